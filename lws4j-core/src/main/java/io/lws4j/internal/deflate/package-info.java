/**
 * permessage-deflate (RFC 7692) on {@code java.util.zip}: negotiation of the
 * {@code Sec-WebSocket-Extensions} offer ({@link io.lws4j.internal.deflate.DeflateNegotiation}
 * on the server, {@link io.lws4j.internal.deflate.DeflateResponseCheck} on the client,
 * parsing in {@link io.lws4j.internal.deflate.ExtensionOffer}, the result in
 * {@link io.lws4j.internal.deflate.DeflateParams}), and the per-connection codec
 * ({@link io.lws4j.internal.deflate.PerMessageDeflate}): an inflater plugged into the frame
 * reader through {@link io.lws4j.internal.frame.MessageDecompressor}, and a deflater that
 * frames outgoing data messages with RSV1.
 *
 * <p>Compression is a transform between the message layer and the frame layer: the frame
 * parser only learns that a message is compressed and pulls decompressed bytes into its
 * bounded buffer, so the maximum message size applies to the decompressed size and a
 * decompression bomb stops at the limit.
 *
 * <p>Role: nothing here is server-only. Which negotiated flag applies to which direction,
 * and whether frames are masked, are parameters.
 *
 * <p>Threading: negotiation is stateless and thread-safe; codec objects belong to one
 * connection's service thread.
 */
package io.lws4j.internal.deflate;

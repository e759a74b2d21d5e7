/**
 * The RFC 6455 frame layer: a push parser for incoming frames ({@link
 * io.lws4j.internal.frame.FrameReader}), encoders for outgoing frames ({@link
 * io.lws4j.internal.frame.FrameWriter}), payload masking ({@link
 * io.lws4j.internal.frame.Masker}) and an incremental UTF-8 validator ({@link
 * io.lws4j.internal.frame.Utf8Validator}).
 *
 * <p>Nothing here does I/O or knows about connections: the reader is fed whatever bytes the
 * socket produced, split anywhere, and reports complete messages and control frames to a
 * {@link io.lws4j.internal.frame.MessageSink}; protocol violations surface as a
 * {@link io.lws4j.internal.frame.ProtocolException} carrying the close code to send. Every
 * buffer the reader keeps is bounded by the configured maximum message size (plus 125 bytes
 * for a control frame and 14 for a header), checked before any allocation.
 *
 * <p>Threading: readers and validators are not thread-safe and belong to one connection's
 * service thread; the static encoders are pure functions and thread-safe.
 */
package io.lws4j.internal.frame;

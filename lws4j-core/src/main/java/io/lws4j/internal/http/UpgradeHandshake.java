package io.lws4j.internal.http;

import io.lws4j.internal.deflate.DeflateNegotiation;
import io.lws4j.internal.deflate.DeflateParams;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The server side of the RFC 6455 opening handshake (§4.2.1 reading the client's request,
 * §4.2.2 answering it).
 *
 * <p>Checks, in this order, each refusal a complete response with {@code Connection:
 * close}:
 * <ol>
 *   <li>method GET, else 405 with {@code Allow: GET};</li>
 *   <li>HTTP/1.1 or later, one Host, {@code Upgrade} naming {@code websocket} and
 *       {@code Connection} naming {@code upgrade} (tokens, case-insensitive), else 400;</li>
 *   <li>one {@code Sec-WebSocket-Version} of {@code 13}, else 426 with
 *       {@code Sec-WebSocket-Version: 13};</li>
 *   <li>one {@code Sec-WebSocket-Key} that is base64 of 16 bytes, else 400;</li>
 *   <li>the origin check, when there is one, accepts the single {@code Origin} value (or
 *       null when the request has none), else 403.</li>
 * </ol>
 *
 * <p>Subprotocol (api.md §1): the client's offers, from every
 * {@code Sec-WebSocket-Protocol} field and comma list in wire order, are tried in the
 * client's order against the registered names (exact, case-sensitive match); the first hit
 * is selected and echoed. Without a hit the first registered protocol serves the
 * connection and the response names no subprotocol.
 *
 * <p>Extensions: when the caller allows it for the selected protocol, permessage-deflate
 * is negotiated by {@link DeflateNegotiation} (RFC 7692) and the accepted parameters travel
 * in {@link UpgradeDecision.Accept#deflate()}; all other offers are ignored, which RFC 6455
 * §9.1 permits.
 *
 * <p>It holds no state.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class UpgradeHandshake {

    /** The GUID RFC 6455 §1.3 appends to the key before hashing. */
    static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** The only protocol version spoken. */
    static final String VERSION = "13";

    private static final System.Logger LOG = System.getLogger(UpgradeHandshake.class.getName());

    private UpgradeHandshake() {
    }

    /**
     * Whether a request asks for a websocket: its {@code Upgrade} header holds the token
     * {@code websocket}. Such requests go to {@link #decide}, all others to static files.
     *
     * @param req the request
     * @return true for a websocket upgrade request
     */
    public static boolean isUpgradeRequest(HttpRequest req) {
        return req.headers().containsToken("Upgrade", "websocket");
    }

    /**
     * Decides an upgrade request.
     *
     * @param req the request
     * @param protocolNames the registered protocol names in registration order; the first is
     *     the default; not empty
     * @param originCheck the Origin check, or null for none; it is given null when the
     *     request has no Origin header, and a check that throws refuses the request
     * @return the 101 response and selected protocol, or the refusal
     */
    public static UpgradeDecision decide(HttpRequest req, List<String> protocolNames,
                                         Predicate<String> originCheck) {
        return decide(req, protocolNames, originCheck, null);
    }

    /**
     * Decides an upgrade request, negotiating permessage-deflate where allowed.
     *
     * @param req the request
     * @param protocolNames the registered protocol names in registration order; the first is
     *     the default; not empty
     * @param originCheck the Origin check, or null for none; it is given null when the
     *     request has no Origin header, and a check that throws refuses the request
     * @param deflateAllowed given the selected protocol name, whether permessage-deflate may
     *     be accepted; null never accepts it
     * @return the 101 response, selected protocol and deflate parameters, or the refusal
     */
    public static UpgradeDecision decide(HttpRequest req, List<String> protocolNames,
                                         Predicate<String> originCheck,
                                         Predicate<String> deflateAllowed) {
        return decide(req, protocolNames, originCheck, deflateAllowed, null);
    }

    /**
     * Decides an upgrade request, negotiating permessage-deflate where allowed and admitted.
     *
     * @param req the request
     * @param protocolNames the registered protocol names in registration order; the first is
     *     the default; not empty
     * @param originCheck the Origin check, or null for none; it is given null when the
     *     request has no Origin header, and a check that throws refuses the request
     * @param deflateAllowed given the selected protocol name, whether permessage-deflate may
     *     be accepted; null never accepts it
     * @param deflateAdmission given the parameters about to be accepted, whether the
     *     context's compression memory admits them (false answers without the extension);
     *     asked last, once, and only for an accept, so that it may reserve memory; null
     *     admits all
     * @return the 101 response, selected protocol and deflate parameters, or the refusal
     */
    public static UpgradeDecision decide(HttpRequest req, List<String> protocolNames,
                                         Predicate<String> originCheck,
                                         Predicate<String> deflateAllowed,
                                         Predicate<DeflateParams> deflateAdmission) {
        Objects.requireNonNull(req, "req");
        if (protocolNames.isEmpty()) {
            throw new IllegalArgumentException("no protocol registered");
        }
        HttpHeaders h = req.headers();
        if (!req.method().equals("GET")) {
            return reject(ResponseHead.status(405).header("Allow", "GET"),
                    "websocket upgrade needs GET");
        }
        if (!req.isHttp11OrLater()) {
            return reject(400, "websocket upgrade needs HTTP/1.1");
        }
        if (h.count("Host") != 1) {
            return reject(400, "websocket upgrade needs one Host header");
        }
        if (!h.containsToken("Upgrade", "websocket")) {
            return reject(400, "Upgrade header does not name websocket");
        }
        if (!h.containsToken("Connection", "upgrade")) {
            return reject(400, "Connection header does not name upgrade");
        }
        List<String> versions = h.listElements("Sec-WebSocket-Version");
        if (versions.size() != 1 || !versions.get(0).equals(VERSION)) {
            return reject(ResponseHead.status(426).header("Upgrade", "websocket")
                    .header("Sec-WebSocket-Version", VERSION), "only websocket version 13 is supported");
        }
        List<String> keys = h.all("Sec-WebSocket-Key");
        if (keys.size() != 1 || !isValidKey(keys.get(0))) {
            return reject(400, "Sec-WebSocket-Key must be one base64 encoded 16-byte value");
        }
        if (originCheck != null && !isOriginAccepted(h.all("Origin"), originCheck)) {
            return reject(403, "origin not allowed");
        }
        String offered = selectOfferedProtocol(h.listElements("Sec-WebSocket-Protocol"), protocolNames);
        String accept = acceptKey(keys.get(0));
        ResponseHead response = ResponseHead.status(101)
                .header("Upgrade", "websocket")
                .header("Connection", "Upgrade")
                .header("Sec-WebSocket-Accept", accept);
        if (offered != null) {
            response.header("Sec-WebSocket-Protocol", offered);
        }
        String selected = offered != null ? offered : protocolNames.get(0);
        DeflateParams deflate = deflateAllowed != null && deflateAllowed.test(selected)
                ? negotiateExtensions(h) : null;
        if (deflate != null && deflateAdmission != null && !deflateAdmission.test(deflate)) {
            deflate = null;
        }
        if (deflate != null) {
            response.header("Sec-WebSocket-Extensions", deflate.responseValue());
        }
        return new UpgradeDecision.Accept(response.toBuffer(), selected, deflate,
                accept, offered);
    }

    /**
     * The {@code Sec-WebSocket-Accept} value for a key: base64 of the SHA-1 of the key
     * (as sent, without surrounding whitespace) followed by the RFC 6455 GUID.
     *
     * @param secWebSocketKey the client's key
     * @return the accept value
     */
    public static String acceptKey(String secWebSocketKey) {
        String key = secWebSocketKey.strip();
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-1", e);
        }
        byte[] digest = sha1.digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.ISO_8859_1));
        return Base64.getEncoder().encodeToString(digest);
    }

    /** The first client offer, in the client's order, that is registered; null for none. */
    private static String selectOfferedProtocol(List<String> offers, List<String> protocolNames) {
        for (String offer : offers) {
            if (protocolNames.contains(offer)) {
                return offer;
            }
        }
        return null;
    }

    /** The accepted permessage-deflate offer, or null; other extensions are ignored. */
    private static DeflateParams negotiateExtensions(HttpHeaders headers) {
        return DeflateNegotiation.negotiate(headers.all("Sec-WebSocket-Extensions"), false);
    }

    private static boolean isValidKey(String key) {
        // 16 bytes encode to exactly 24 characters ending in "=="
        if (key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isOriginAccepted(List<String> origins, Predicate<String> originCheck) {
        if (origins.size() > 1) {
            return false; // RFC 6454 §7.3: one Origin field; two cannot both be trusted
        }
        String origin = origins.isEmpty() ? null : origins.get(0);
        try {
            return originCheck.test(origin);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "origin check threw; refusing origin " + origin, e);
            return false;
        }
    }

    /**
     * A refusal before the upgrade: a plain-text response that closes the connection.
     *
     * @param status the status, 4xx or 5xx
     * @param message the reason, sent as the body
     * @return the refusal
     */
    public static UpgradeDecision.Reject reject(int status, String message) {
        return reject(ResponseHead.status(status), message);
    }

    private static UpgradeDecision.Reject reject(ResponseHead head, String message) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        head.header("Content-Type", "text/plain; charset=utf-8")
                .header("Content-Length", body.length)
                .header("X-Content-Type-Options", "nosniff")
                .header("Connection", "close");
        return new UpgradeDecision.Reject(new HttpResponse(head.toBuffer(body), null, 0, false));
    }
}

package io.lws4j.micrometer;

import io.lws4j.Context;
import io.lws4j.ContextMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds a context's figures ({@link Context#statistics()}) to a Micrometer registry. The
 * meters read the context when the registry asks (a scrape, a publish): nothing is counted
 * twice and binding adds no cost to the context's I/O.
 *
 * <table class="striped">
 * <caption>Meters (all tagged {@code context=<name>})</caption>
 * <tr><th>Name</th><th>Type</th><th>Tags</th></tr>
 * <tr><td>{@code lws4j.connections.open}</td><td>gauge</td><td></td></tr>
 * <tr><td>{@code lws4j.connections.opened}</td><td>counter</td><td></td></tr>
 * <tr><td>{@code lws4j.sockets.open}</td><td>gauge</td><td></td></tr>
 * <tr><td>{@code lws4j.bytes}</td><td>counter (bytes)</td><td>{@code direction=in|out}</td></tr>
 * <tr><td>{@code lws4j.messages}</td><td>counter</td><td>{@code direction=in|out}</td></tr>
 * <tr><td>{@code lws4j.handshakes.refused}</td><td>counter</td><td>{@code reason=} each of
 *     {@link #REFUSAL_REASONS}</td></tr>
 * <tr><td>{@code lws4j.closes}</td><td>counter</td><td>{@code code=} each of
 *     {@link #CLOSE_CODES}, or {@code other}</td></tr>
 * <tr><td>{@code lws4j.outbound.queued}</td><td>gauge (bytes)</td><td></td></tr>
 * <tr><td>{@code lws4j.writes.refused}</td><td>counter</td><td></td></tr>
 * <tr><td>{@code lws4j.loop.stalls}</td><td>counter</td><td></td></tr>
 * <tr><td>{@code lws4j.compression.memory}</td><td>gauge (bytes)</td><td></td></tr>
 * <tr><td>{@code lws4j.compression.uncompressed}</td><td>counter</td><td></td></tr>
 * <tr><td>{@code lws4j.compression.offers.declined}</td><td>counter</td><td></td></tr>
 * </table>
 *
 * <p>Thread-safe: the binder holds no mutable state; the context's figures may be read on
 * any thread.
 */
public final class ContextMetrics implements MeterBinder {
    /** The refusal reasons {@link ContextMXBean#getHandshakesRefused()} reports. */
    public static final List<String> REFUSAL_REASONS = List.of("bad-request", "no-endpoint",
            "origin", "same-origin", "hook", "timeout");
    /**
     * The close codes with a meter of their own (RFC 6455 and the IANA registry); every
     * other code (such as an application's 4000-4999) counts under {@code code=other}.
     */
    public static final List<Integer> CLOSE_CODES = List.of(1000, 1001, 1002, 1003, 1005,
            1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015);

    private final ContextMXBean stats;
    private final Iterable<Tag> tags;

    /**
     * A binder with no tags beyond {@code context}.
     *
     * @param context a context built by {@link Context.Builder}
     */
    public ContextMetrics(Context context) {
        this(context, Tags.empty());
    }

    /**
     * A binder that adds {@code tags} to every meter.
     *
     * @param context a context built by {@link Context.Builder}
     * @param tags extra tags, such as the application's name
     */
    public ContextMetrics(Context context, Iterable<Tag> tags) {
        this.stats = Objects.requireNonNull(context, "context").statistics();
        this.tags = Tags.concat(Objects.requireNonNull(tags, "tags"), "context",
                stats.getName());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("lws4j.connections.open", stats, ContextMXBean::getConnectionsOpen)
                .description("websocket connections open now").tags(tags).register(registry);
        counter(registry, "lws4j.connections.opened", "websocket connections established",
                ContextMXBean::getConnectionsTotal, null, Tags.empty());
        Gauge.builder("lws4j.sockets.open", stats, ContextMXBean::getSocketsOpen)
                .description("TCP connections held, HTTP and lingering ones included")
                .tags(tags).register(registry);
        counter(registry, "lws4j.bytes", "bytes read from connections",
                ContextMXBean::getBytesIn, BaseUnits.BYTES, Tags.of("direction", "in"));
        counter(registry, "lws4j.bytes", "bytes written to connections",
                ContextMXBean::getBytesOut, BaseUnits.BYTES, Tags.of("direction", "out"));
        counter(registry, "lws4j.messages", "websocket messages received",
                ContextMXBean::getMessagesIn, null, Tags.of("direction", "in"));
        counter(registry, "lws4j.messages", "websocket messages sent",
                ContextMXBean::getMessagesOut, null, Tags.of("direction", "out"));
        for (String reason : REFUSAL_REASONS) {
            counter(registry, "lws4j.handshakes.refused", "websocket upgrades refused",
                    s -> s.getHandshakesRefused().getOrDefault(reason, 0L), null,
                    Tags.of("reason", reason));
        }
        for (Integer code : CLOSE_CODES) {
            counter(registry, "lws4j.closes", "close codes seen by onClosed",
                    s -> s.getCloseCodes().getOrDefault(code, 0L), null,
                    Tags.of("code", code.toString()));
        }
        counter(registry, "lws4j.closes", "close codes seen by onClosed",
                ContextMetrics::otherCloses, null, Tags.of("code", "other"));
        Gauge.builder("lws4j.outbound.queued", stats, ContextMXBean::getOutboundBytesQueued)
                .description("outbound bytes queued, not yet written").baseUnit(BaseUnits.BYTES)
                .tags(tags).register(registry);
        counter(registry, "lws4j.writes.refused", "writes refused by a full outbound buffer",
                ContextMXBean::getWritesRefused, null, Tags.empty());
        counter(registry, "lws4j.loop.stalls", "service loop cycles that worked over 100 ms",
                ContextMXBean::getLoopStalls, null, Tags.empty());
        Gauge.builder("lws4j.compression.memory", stats, ContextMXBean::getCompressionMemoryBytes)
                .description("native zlib memory charged against the compression memory limit")
                .baseUnit(BaseUnits.BYTES).tags(tags).register(registry);
        counter(registry, "lws4j.compression.uncompressed",
                "messages sent uncompressed because of the compression memory limit",
                ContextMXBean::getMessagesUncompressedByLimit, null, Tags.empty());
        counter(registry, "lws4j.compression.offers.declined",
                "permessage-deflate offers declined because of the compression memory limit",
                ContextMXBean::getDeflateOffersDeclined, null, Tags.empty());
    }

    private void counter(MeterRegistry registry, String name, String description,
            ToDoubleFunction<ContextMXBean> read, String unit, Tags more) {
        FunctionCounter.builder(name, stats, read).description(description).baseUnit(unit)
                .tags(tags).tags(more).register(registry);
    }

    private static double otherCloses(ContextMXBean s) {
        long other = 0;
        for (Map.Entry<Integer, Long> e : s.getCloseCodes().entrySet()) {
            if (!CLOSE_CODES.contains(e.getKey())) {
                other += e.getValue();
            }
        }
        return other;
    }
}

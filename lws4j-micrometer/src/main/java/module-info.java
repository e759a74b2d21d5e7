/**
 * Micrometer meter binders for lws4j: {@link io.lws4j.micrometer.ContextMetrics} for a
 * context and {@link io.lws4j.micrometer.ThreadPoolMetrics} for a thread pool.
 */
module io.lws4j.micrometer {
    requires transitive io.lws4j;
    requires transitive micrometer.core;

    exports io.lws4j.micrometer;
}

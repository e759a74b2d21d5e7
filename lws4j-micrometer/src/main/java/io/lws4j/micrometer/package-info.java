/**
 * Micrometer meter binders for lws4j contexts and thread pools.
 *
 * <pre>{@code
 * MeterRegistry registry = ...;   // Prometheus, OTLP, Datadog, SimpleMeterRegistry...
 * new ContextMetrics(context).bindTo(registry);
 * ThreadPoolMetrics poolMetrics = new ThreadPoolMetrics(pool);
 * poolMetrics.bindTo(registry);
 * ...
 * poolMetrics.close();            // stops feeding its timers
 * }</pre>
 *
 * <p>Every meter is named {@code lws4j.*} and tagged with the context's name
 * ({@code context}) or the pool's ({@code pool}), plus the tags given to the binder.
 */
package io.lws4j.micrometer;

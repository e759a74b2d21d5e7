/**
 * Turns the harness's markdown report into a chart: {@link io.lws4j.benchmarks.report.SvgChart}
 * reads every table with a {@code × lws4j} column and draws each server's throughput relative
 * to lws4j, cell by cell. Plain Java, no dependencies.
 */
package io.lws4j.benchmarks.report;

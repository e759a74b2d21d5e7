/**
 * Benchmarks for lws4j: a NIO load generator, peer servers and JMH micro-benchmarks.
 * Not part of the library; nothing depends on this package.
 */
package io.lws4j.benchmarks;

/**
 * Small shared helpers of the library's internals, with no state of their own.
 *
 * <p>Threading: every class here is stateless and thread-safe.
 */
package io.lws4j.internal.util;

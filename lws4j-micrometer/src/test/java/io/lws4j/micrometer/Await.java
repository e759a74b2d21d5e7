package io.lws4j.micrometer;

import java.util.function.BooleanSupplier;

/** Waits, with a generous bound, for a figure that the loops and workers update. */
final class Await {
    private Await() {
    }

    static void until(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(10);
        }
    }
}

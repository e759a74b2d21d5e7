package io.lws4j.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A description of the machine and JVM a pass ran on, for the report header.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class Machine {
    private Machine() {
    }

    static String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("- CPUs (availableProcessors / nproc): ").append(Runtime.getRuntime().availableProcessors())
                .append(cpuModel()).append('\n');
        sb.append("- OS: ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(' ').append(System.getProperty("os.arch")).append('\n');
        sb.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" (").append(System.getProperty("java.vendor"))
                .append(")\n");
        sb.append("- Server JVMs: ").append(String.join(" ", ServerProcess.JVM_OPTIONS))
                .append(", one process per server; load generator in the harness JVM, loopback only\n");
        return sb.toString();
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return " × " + line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }
}

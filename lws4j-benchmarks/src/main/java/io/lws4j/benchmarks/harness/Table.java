package io.lws4j.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * A markdown table built row by row.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
final class Table {
    private final String title;
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Table(String title, String... header) {
        this.title = title;
        this.header = List.of(header);
    }

    void add(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, header " + header.size());
        }
        rows.add(List.of(cells));
    }

    /** A line printed under the table (as a list item). */
    void note(String line) {
        notes.add(line);
    }

    List<List<String>> rows() {
        return rows;
    }

    String title() {
        return title;
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("### ").append(title).append("\n\n");
        sb.append("| ").append(String.join(" | ", header)).append(" |\n");
        sb.append("|").append(" --- |".repeat(header.size())).append("\n");
        for (List<String> r : rows) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        sb.append("\n");
        if (!notes.isEmpty()) {
            sb.append("Negotiated (first connection of each server):\n\n");
            for (String n : notes) {
                sb.append("- ").append(n).append("\n");
            }
            sb.append("\n");
        }
        return sb.toString();
    }

    static String number(double v) {
        if (v < 0) {
            return "n/a";
        }
        if (v >= 100) {
            return String.format("%,.0f", v);
        }
        return String.format("%.1f", v);
    }

    static String micros(long nanos) {
        return nanos < 0 ? "n/a" : String.format("%.1f", nanos / 1000.0);
    }

    static String ratio(double value, double lws4j) {
        if (value < 0 || lws4j <= 0) {
            return "n/a";
        }
        return String.format("%.2f", value / lws4j);
    }
}

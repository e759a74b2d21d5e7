package io.lws4j.benchmarks.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the throughput tables of a harness report (the markdown that {@code Harness --out}
 * and {@code run.sh} write): every table whose header has a column named exactly
 * {@code × lws4j}, with a {@code server} column before it. The columns before
 * {@code server} identify the cell (a column whose name ends in {@code /conn} is derived
 * from the others and left out); the title is the nearest heading above the table. A row
 * whose check column ({@code check} or {@code exactly-once, in order}) starts with
 * {@code FAIL} is kept and marked failed.
 *
 * <p>Thread-safe: stateless; the records are immutable.
 */
final class ReportTables {
    static final String RATIO_COLUMN = "× lws4j";

    /** One bar: a server's ratio to lws4j in one cell, and whether its run failed its check. */
    record Bar(String server, double ratio, boolean failed) {
    }

    /** The bars of one cell, in table order. */
    record Cell(String label, List<Bar> bars) {
    }

    /** One throughput table. */
    record Panel(String title, String keyNames, List<Cell> cells) {
    }

    private ReportTables() {
    }

    /**
     * Parses the report.
     *
     * @param markdown the report
     * @return the throughput tables in report order; rows whose ratio is not a number
     *     ({@code n/a}) and rows of lws4j itself (always 1) are left out
     */
    static List<Panel> parse(String markdown) {
        List<Panel> panels = new ArrayList<>();
        String heading = "";
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("#")) {
                heading = line.replaceFirst("^#+\\s*", "");
            } else if (line.startsWith("|") && i + 1 < lines.length
                    && lines[i + 1].strip().startsWith("| ---")) {
                List<String> header = cells(line);
                int server = header.indexOf("server");
                int ratio = header.indexOf(RATIO_COLUMN);
                int end = i + 2;
                while (end < lines.length && lines[end].strip().startsWith("|")) {
                    end++;
                }
                if (server >= 0 && ratio > server) {
                    panels.add(panel(heading, header, server, ratio, lines, i + 2, end));
                }
                i = end - 1;
            }
        }
        return panels;
    }

    private static Panel panel(String title, List<String> header, int server, int ratio,
                               String[] lines, int from, int to) {
        List<Integer> keys = new ArrayList<>();
        for (int c = 0; c < server; c++) {
            if (!header.get(c).endsWith("/conn")) {
                keys.add(c);
            }
        }
        int check = Math.max(header.indexOf("check"), header.indexOf("exactly-once, in order"));
        List<String> keyNames = new ArrayList<>();
        keys.forEach(c -> keyNames.add(header.get(c)));
        List<Cell> cells = new ArrayList<>();
        for (int r = from; r < to; r++) {
            List<String> row = cells(lines[r].strip());
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("row has " + row.size() + " cells, header "
                        + header.size() + ": " + lines[r]);
            }
            List<String> key = new ArrayList<>();
            keys.forEach(c -> key.add(row.get(c)));
            String label = String.join(" / ", key);
            Double value = number(row.get(ratio));
            String name = row.get(server);
            if (value == null || name.equals("lws4j")) {
                continue;
            }
            if (cells.isEmpty() || !cells.get(cells.size() - 1).label().equals(label)) {
                cells.add(new Cell(label, new ArrayList<>()));
            }
            boolean failed = check >= 0 && row.get(check).startsWith("FAIL");
            cells.get(cells.size() - 1).bars().add(new Bar(name, value, failed));
        }
        return new Panel(title, String.join(" / ", keyNames), cells);
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
        List<String> out = new ArrayList<>();
        for (String cell : inner.split("\\|", -1)) {
            out.add(cell.strip());
        }
        return out;
    }

    private static Double number(String text) {
        try {
            return Double.valueOf(text.replace(",", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

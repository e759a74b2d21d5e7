package io.lws4j.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Draws a harness report as an SVG chart: one panel per throughput table (sync-stream and
 * echo, per transport), one group of bars per cell, one bar per server giving its msgs/s
 * relative to lws4j's in that cell (the report's {@code × lws4j} column), with lws4j's 1.0
 * as a dashed line. Ratios above {@value #MAX_RATIO} are drawn at the top with their value
 * written on them. Every bar is a {@code rect} of class {@code bar} carrying
 * {@code data-panel}, {@code data-cell}, {@code data-server}, {@code data-ratio} and
 * {@code data-failed}, and a {@code title} for a reader's tooltip; a run that failed its check
 * (lost, duplicated or corrupt messages, a dropped connection) is outlined in red and
 * marked {@code FAIL}.
 *
 * <p>{@code java -cp ... io.lws4j.benchmarks.report.SvgChart report.md report.svg
 * [--skip floor-batch,...]}; {@code run.sh} runs it after every pass. By default the
 * {@code floor-batch} rows are left out: they show the load generator's ceiling (10 to 40
 * times lws4j for small messages), not a server one would deploy.
 *
 * <p>Thread-safe: stateless.
 */
public final class SvgChart {
    static final double MAX_RATIO = 2.0;
    static final int BAR_WIDTH = 6;
    static final int CELL_GAP = 14;
    static final int PLOT_HEIGHT = 140;
    private static final int LEFT = 48;
    private static final int RIGHT = 16;
    private static final int PANEL_TOP = 30;
    private static final int PANEL_BOTTOM = 62;
    private static final int HEADER = 64;
    private static final Set<String> DEFAULT_SKIP = Set.of("floor-batch");
    static final String[] PALETTE = {
        "#e8772e", "#3a78c9", "#7d7d7d", "#a34fbf", "#3aa45b", "#c9b53a", "#c93a5a", "#3ac9c1",
    };

    private SvgChart() {
    }

    /**
     * Writes the chart of a report.
     *
     * @param args the report, the SVG file to write, and optionally {@code --skip a,b}
     * @throws IOException when the report cannot be read or the chart written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2 && !(args.length == 4 && args[2].equals("--skip"))) {
            System.err.println("usage: SvgChart REPORT.md OUT.svg [--skip server,...]");
            System.exit(2);
        }
        Set<String> skip = args.length == 4 ? Set.of(args[3].split(",")) : DEFAULT_SKIP;
        String report = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        Files.writeString(Path.of(args[1]), render(report, skip), StandardCharsets.UTF_8);
    }

    /**
     * Draws a report with the default servers left out.
     *
     * @param report the harness's markdown report
     * @return the SVG document
     */
    public static String render(String report) {
        return render(report, DEFAULT_SKIP);
    }

    /**
     * Draws a report.
     *
     * @param report the harness's markdown report
     * @param skip servers not to draw
     * @return the SVG document
     * @throws IllegalArgumentException when the report has no throughput table
     */
    public static String render(String report, Set<String> skip) {
        List<ReportTables.Panel> panels = new ArrayList<>();
        for (ReportTables.Panel p : ReportTables.parse(report)) {
            List<ReportTables.Cell> cells = new ArrayList<>();
            for (ReportTables.Cell c : p.cells()) {
                List<ReportTables.Bar> bars = c.bars().stream()
                        .filter(b -> !skip.contains(b.server())).toList();
                if (!bars.isEmpty()) {
                    cells.add(new ReportTables.Cell(c.label(), bars));
                }
            }
            if (!cells.isEmpty()) {
                panels.add(new ReportTables.Panel(p.title(), p.keyNames(), cells));
            }
        }
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("no table with a '" + ReportTables.RATIO_COLUMN
                    + "' column in the report");
        }
        List<String> servers = new ArrayList<>(serversOf(panels));
        int width = 640;
        for (ReportTables.Panel p : panels) {
            width = Math.max(width, LEFT + panelWidth(p) + RIGHT);
        }
        int panelHeight = PANEL_TOP + PLOT_HEIGHT + PANEL_BOTTOM;
        int height = HEADER + panels.size() * panelHeight;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"10\">%n", width, height, width, height));
        svg.append(String.format(Locale.ROOT,
                "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width, height));
        text(svg, LEFT, 20, 14, "start", "bold",
                "msgs/s of each server relative to lws4j (dashed line = lws4j = 1.0; higher: the peer is faster)");
        text(svg, LEFT, 36, 10, "start", "normal", subtitle(report));
        int x = LEFT;
        for (int i = 0; i < servers.size(); i++) {
            svg.append(String.format(Locale.ROOT,
                    "<rect class=\"legend\" x=\"%d\" y=\"46\" width=\"10\" height=\"10\" fill=\"%s\"/>%n",
                    x, color(servers, servers.get(i))));
            text(svg, x + 14, 55, 10, "start", "normal", servers.get(i));
            x += 24 + 7 * servers.get(i).length();
        }
        for (int i = 0; i < panels.size(); i++) {
            drawPanel(svg, i, panels.get(i), HEADER + i * panelHeight, servers);
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void drawPanel(StringBuilder svg, int index, ReportTables.Panel panel, int top,
                                  List<String> servers) {
        // The part before the first colon names the workload and transport; the rest of the
        // report's title describes the workload, which BENCHMARKS.md does in its own words.
        text(svg, LEFT, top + 18, 11, "start", "bold", panel.title().split(":", 2)[0]);
        int plotTop = top + PANEL_TOP;
        int base = plotTop + PLOT_HEIGHT;
        int right = LEFT + panelWidth(panel);
        for (double r = 0; r <= MAX_RATIO + 1e-9; r += 0.5) {
            int y = base - (int) Math.round(r / MAX_RATIO * PLOT_HEIGHT);
            boolean one = Math.abs(r - 1.0) < 1e-9;
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"%s/>%n",
                    LEFT, y, right, y, one ? "#000000" : "#dddddd",
                    one ? " stroke-dasharray=\"4 3\" class=\"lws4j\"" : ""));
            text(svg, LEFT - 4, y + 3, 9, "end", "normal", String.format(Locale.ROOT, "%.1f", r));
        }
        int x = LEFT + CELL_GAP / 2;
        for (ReportTables.Cell cell : panel.cells()) {
            int groupStart = x;
            for (ReportTables.Bar bar : cell.bars()) {
                double shown = Math.min(bar.ratio(), MAX_RATIO);
                int h = (int) Math.round(shown / MAX_RATIO * PLOT_HEIGHT);
                svg.append(String.format(Locale.ROOT, "<rect class=\"bar\" data-panel=\"%d\" "
                        + "data-cell=\"%s\" data-server=\"%s\" data-ratio=\"%s\" data-failed=\"%s\" "
                        + "x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"%s>"
                        + "<title>%s</title></rect>%n",
                        index, xml(cell.label()), xml(bar.server()), ratio(bar.ratio()), bar.failed(),
                        x, base - h, BAR_WIDTH, h, color(servers, bar.server()),
                        bar.failed() ? " stroke=\"#d00000\"" : "",
                        xml(bar.server() + ", " + panel.keyNames() + " = " + cell.label() + ": "
                                + ratio(bar.ratio()) + " × lws4j" + (bar.failed() ? ", FAILED its check" : ""))));
                if (bar.failed()) {
                    svg.append(String.format(Locale.ROOT, "<text class=\"failed\" x=\"%d\" y=\"%d\" "
                            + "font-size=\"8\" fill=\"#d00000\" transform=\"rotate(-90 %d %d)\">FAIL</text>%n",
                            x + BAR_WIDTH - 1, base - h - 2, x + BAR_WIDTH - 1, base - h - 2));
                }
                if (bar.ratio() > MAX_RATIO) {
                    svg.append(String.format(Locale.ROOT, "<text class=\"clipped\" x=\"%d\" y=\"%d\" "
                            + "font-size=\"8\" transform=\"rotate(-90 %d %d)\">%s</text>%n",
                            x + BAR_WIDTH - 1, base - h + 2, x + BAR_WIDTH - 1, base - h + 2,
                            ratio(bar.ratio())));
                }
                x += BAR_WIDTH;
            }
            int mid = (groupStart + x) / 2;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"9\" "
                    + "text-anchor=\"end\" transform=\"rotate(-45 %d %d)\">%s</text>%n",
                    mid, base + 10, mid, base + 10, xml(cell.label())));
            x += CELL_GAP;
        }
        text(svg, right, base + PANEL_BOTTOM - 6, 9, "end", "normal", "cells: " + panel.keyNames());
    }

    private static int panelWidth(ReportTables.Panel panel) {
        int w = 0;
        for (ReportTables.Cell c : panel.cells()) {
            w += c.bars().size() * BAR_WIDTH + CELL_GAP;
        }
        return w;
    }

    private static Set<String> serversOf(List<ReportTables.Panel> panels) {
        Set<String> servers = new LinkedHashSet<>();
        for (ReportTables.Panel p : panels) {
            for (ReportTables.Cell c : p.cells()) {
                c.bars().forEach(b -> servers.add(b.server()));
            }
        }
        return servers;
    }

    private static String subtitle(String report) {
        Set<String> parts = new LinkedHashSet<>();
        for (String line : report.split("\n")) {
            String l = line.strip();
            if (l.startsWith("- Date (UTC):") || l.startsWith("- CPUs")) {
                parts.add(l.substring(2));
            }
        }
        return String.join("; ", parts);
    }

    private static String color(List<String> servers, String server) {
        return PALETTE[servers.indexOf(server) % PALETTE.length];
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f", r);
    }

    private static void text(StringBuilder svg, int x, int y, int size, String anchor, String weight,
                             String content) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" "
                + "text-anchor=\"%s\" font-weight=\"%s\">%s</text>%n", x, y, size, anchor, weight,
                xml(content)));
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}

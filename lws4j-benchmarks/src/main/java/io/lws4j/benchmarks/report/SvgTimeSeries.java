package io.lws4j.benchmarks.report;

import java.util.List;
import java.util.Locale;

/**
 * Line charts of figures sampled over time, one panel per figure, stacked: what the soak
 * runner draws of the server's heap after GC, descriptors, threads, longest loop stall and
 * pool counters. Same SVG style, palette and escaping as {@link SvgChart}; no library.
 *
 * <p>Thread-safe: stateless.
 */
public final class SvgTimeSeries {
    private static final int WIDTH = 760;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int PLOT_HEIGHT = 110;
    private static final int PANEL_GAP = 48;
    private static final int HEADER = 50;

    private SvgTimeSeries() {
    }

    /**
     * One panel: a title, the unit of its values and one or more named series sharing its
     * y axis.
     *
     * @param title the panel's title
     * @param unit the unit shown on the y axis
     * @param series the lines
     */
    public record Panel(String title, String unit, List<Series> series) {
    }

    /**
     * One line: a name for the legend and its values, one per sample time.
     *
     * @param name legend text
     * @param values the values, aligned with the chart's times
     */
    public record Series(String name, double[] values) {
    }

    /**
     * Renders the panels over the shared time axis.
     *
     * @param title the chart's title
     * @param subtitle a line under it (the run's parameters)
     * @param seconds the sample times, in seconds from the start, ascending
     * @param panels the panels, drawn top to bottom
     * @param marks vertical markers (seconds), such as where the load stopped; may be empty
     * @return the SVG document
     */
    public static String render(String title, String subtitle, double[] seconds, List<Panel> panels,
            List<double[]> marks) {
        int height = HEADER + panels.size() * (PLOT_HEIGHT + PANEL_GAP) + 10;
        StringBuilder svg = new StringBuilder(16 * 1024);
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
                WIDTH, height));
        text(svg, WIDTH / 2, 22, 15, "middle", "bold", title);
        text(svg, WIDTH / 2, 40, 11, "middle", "normal", subtitle);
        double tMax = seconds.length == 0 ? 1 : Math.max(1, seconds[seconds.length - 1]);
        int plotWidth = WIDTH - LEFT - RIGHT;
        for (int p = 0; p < panels.size(); p++) {
            Panel panel = panels.get(p);
            int top = HEADER + p * (PLOT_HEIGHT + PANEL_GAP) + 18;
            double yMax = 0;
            for (Series s : panel.series()) {
                for (double v : s.values()) {
                    yMax = Math.max(yMax, v);
                }
            }
            yMax = yMax <= 0 ? 1 : niceCeiling(yMax * 1.05);
            text(svg, LEFT, top - 6, 12, "start", "bold", panel.title());
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                    + " stroke=\"#bbb\"/>%n", LEFT, top, plotWidth, PLOT_HEIGHT));
            for (int g = 0; g <= 2; g++) {
                double v = yMax * g / 2;
                int y = top + PLOT_HEIGHT - (int) Math.round(PLOT_HEIGHT * g / 2.0);
                text(svg, LEFT - 4, y + 4, 10, "end", "normal", format(v) + " " + panel.unit());
            }
            for (double[] mark : marks) {
                int x = LEFT + (int) Math.round(plotWidth * mark[0] / tMax);
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\""
                        + " stroke-dasharray=\"4 3\"/>%n", x, top, x, top + PLOT_HEIGHT));
            }
            int legendX = LEFT + plotWidth;
            for (int i = panel.series().size() - 1; i >= 0; i--) {
                Series s = panel.series().get(i);
                String color = SvgChart.PALETTE[i % SvgChart.PALETTE.length];
                StringBuilder points = new StringBuilder();
                for (int k = 0; k < s.values().length && k < seconds.length; k++) {
                    double x = LEFT + plotWidth * seconds[k] / tMax;
                    double y = top + PLOT_HEIGHT - PLOT_HEIGHT * s.values()[k] / yMax;
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                }
                svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\""
                        + " points=\"%s\"/>%n", color, points.toString().trim()));
                legendX -= 8 + 7 * s.name().length();
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/>%n",
                        legendX - 14, top - 10, color));
                text(svg, legendX, top - 6, 10, "start", "normal", s.name());
            }
            text(svg, LEFT + plotWidth, top + PLOT_HEIGHT + 14, 10, "end", "normal", format(tMax) + " s");
            text(svg, LEFT, top + PLOT_HEIGHT + 14, 10, "start", "normal", "0 s");
        }
        return svg.append("</svg>\n").toString();
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String format(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static void text(StringBuilder svg, int x, int y, int size, String anchor, String weight, String content) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"%s\""
                + " font-weight=\"%s\">%s</text>%n", x, y, size, anchor, weight, SvgChart.xml(content)));
    }
}

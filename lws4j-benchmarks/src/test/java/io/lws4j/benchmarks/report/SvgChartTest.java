package io.lws4j.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {
    /** Two throughput tables as the harness writes them, and an idle table that is not one. */
    private static final String REPORT = """
            # lws4j benchmark run (quick)

            - Date (UTC): 2026-11-27 00:36
            - CPUs (availableProcessors / nproc): 2 × AMD EPYC

            ### sync-stream: one message per SYNC (or per awaited write)

            | T | N | S (B) | M/conn | server | msgs/s | × lws4j | exactly-once, in order |
            | --- | --- | --- | --- | --- | --- | --- | --- |
            | 3 | 8 | 32 | 37500 | floor-batch | 35,081,064 | 40.34 | ok |
            | 3 | 8 | 32 | 37500 | lws4j | 869,715 | 1.00 | ok |
            | 3 | 8 | 32 | 37500 | netty | 71,788 | 0.08 | ok |
            | 3 | 8 | 32 | 37500 | jetty | 458,318 | 0.53 | ok |
            | 3 | 8 | 4096 | 37500 | lws4j | 224,988 | 1.00 | ok |
            | 3 | 8 | 4096 | 37500 | netty | 57,391 | 0.26 | ok |
            | 3 | 8 | 4096 | 37500 | jetty | 341,185 | 1.52 | ok |

            ### echo over wss (TLS): binary messages

            | N | S (B) | window | server | msgs/s | × lws4j | check |
            | --- | --- | --- | --- | --- | --- | --- |
            | 1 | 32 | 1 | lws4j | 15,977 | 1.00 | ok |
            | 1 | 32 | 1 | jetty | 52,000 | 3.25 | ok |
            | 1 | 32 | 1 | java-websocket | 0.0 | 0.00 | FAIL corrupt 0 failedConn 0 |
            | 1 | 32 | 1 | netty | 0.0 | n/a | ok |

            ### idle connections

            | server | open conns | heap MB | heap × lws4j |
            | --- | --- | --- | --- |
            | lws4j | 10000 | 20.2 | 1.00 |
            | jetty | 10000 | 89.2 | 4.68 |
            """;

    @Test
    void drawsOneBarPerPeerAndCellOfEveryThroughputTable() throws Exception {
        Document svg = parse(SvgChart.render(REPORT));
        assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
        List<Element> bars = bars(svg);
        assertThat(bars).extracting(b -> b.getAttribute("data-panel") + " " + b.getAttribute("data-cell")
                        + " " + b.getAttribute("data-server") + " " + b.getAttribute("data-ratio"))
                .containsExactly(
                        "0 3 / 8 / 32 netty 0.08",
                        "0 3 / 8 / 32 jetty 0.53",
                        "0 3 / 8 / 4096 netty 0.26",
                        "0 3 / 8 / 4096 jetty 1.52",
                        "1 1 / 32 / 1 jetty 3.25",
                        "1 1 / 32 / 1 java-websocket 0.00");
    }

    @Test
    void aRunThatFailedItsCheckIsMarked() throws Exception {
        Document svg = parse(SvgChart.render(REPORT));
        assertThat(bars(svg)).extracting(b -> b.getAttribute("data-server") + " " + b.getAttribute("data-failed"))
                .containsExactly("netty false", "jetty false", "netty false", "jetty false", "jetty false",
                        "java-websocket true");
        NodeList texts = svg.getElementsByTagName("text");
        int marks = 0;
        for (int i = 0; i < texts.getLength(); i++) {
            if (((Element) texts.item(i)).getAttribute("class").equals("failed")) {
                marks++;
            }
        }
        assertThat(marks).isEqualTo(1);
    }

    @Test
    void barHeightsAreProportionalToTheRatioAndCappedAtTwo() throws Exception {
        List<Element> bars = bars(parse(SvgChart.render(REPORT)));
        assertThat(height(bars.get(1))).isEqualTo((int) Math.round(0.53 / 2.0 * SvgChart.PLOT_HEIGHT));
        assertThat(height(bars.get(3))).isEqualTo((int) Math.round(1.52 / 2.0 * SvgChart.PLOT_HEIGHT));
        assertThat(height(bars.get(4))).as("3.25 is drawn at the cap").isEqualTo(SvgChart.PLOT_HEIGHT);
        Document svg = parse(SvgChart.render(REPORT));
        NodeList texts = svg.getElementsByTagName("text");
        List<String> clipped = new ArrayList<>();
        for (int i = 0; i < texts.getLength(); i++) {
            Element t = (Element) texts.item(i);
            if (t.getAttribute("class").equals("clipped")) {
                clipped.add(t.getTextContent());
            }
        }
        assertThat(clipped).containsExactly("3.25");
    }

    @Test
    void theLws4jLineIsDrawnOncePerPanelAndSkippedServersCanBeChosen() throws Exception {
        Document svg = parse(SvgChart.render(REPORT, Set.of("jetty")));
        assertThat(bars(svg)).extracting(b -> b.getAttribute("data-server"))
                .containsExactly("floor-batch", "netty", "netty", "java-websocket");
        NodeList lines = svg.getElementsByTagName("line");
        int lws4jLines = 0;
        for (int i = 0; i < lines.getLength(); i++) {
            if (((Element) lines.item(i)).getAttribute("class").equals("lws4j")) {
                lws4jLines++;
            }
        }
        assertThat(lws4jLines).as("one per panel").isEqualTo(2);
    }

    @Test
    void aReportWithoutThroughputTablesIsRefused() {
        assertThatThrownBy(() -> SvgChart.render("### idle\n\n| server | heap × lws4j |\n| --- | --- |\n| a | 1.0 |\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("× lws4j");
    }

    @Test
    void textIsEscaped() throws Exception {
        String report = REPORT.replace("echo over wss (TLS)", "echo <&> \"quoted\"");
        Document svg = parse(SvgChart.render(report));
        NodeList texts = svg.getElementsByTagName("text");
        boolean found = false;
        for (int i = 0; i < texts.getLength(); i++) {
            found |= texts.item(i).getTextContent().startsWith("echo <&> \"quoted\"");
        }
        assertThat(found).isTrue();
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> bars(Document svg) {
        NodeList rects = svg.getElementsByTagName("rect");
        List<Element> bars = new ArrayList<>();
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            if (r.getAttribute("class").equals("bar")) {
                bars.add(r);
            }
        }
        return bars;
    }

    private static int height(Element bar) {
        return Integer.parseInt(bar.getAttribute("height"));
    }
}

package io.lws4j.tests.autobahn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.tests.autobahn.AutobahnExpectations.Outcome;
import io.lws4j.tests.autobahn.AutobahnReportIT.CaseResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutobahnExpectationsTest {
    @TempDir
    Path dir;

    private AutobahnExpectations parse(String text) throws IOException {
        Path file = dir.resolve("expected.txt");
        Files.writeString(file, text);
        return AutobahnExpectations.parse(file);
    }

    @Test
    void unlistedCasesMayOnlyBeOk() throws IOException {
        AutobahnExpectations e = parse("# comment\n3.2  NON-STRICT|OK  racy close  # trailing\n");
        assertThat(e.allowed("3.2")).isEqualTo(Set.of(new Outcome("NON-STRICT", "OK"),
                new Outcome("OK", "OK")));
        assertThat(e.allowed("1.1.1")).isEqualTo(Set.of(new Outcome("OK", "OK")));
        assertThat(e.entries().get("3.2").reason()).isEqualTo("racy close");
    }

    @Test
    void aClosingBehaviourFollowsASlash() throws IOException {
        AutobahnExpectations e = parse("7.13.1 INFORMATIONAL/INFORMATIONAL by design\n"
                + "3.4 OK|NON-STRICT/FAILED fuzzer timing\n");
        assertThat(e.allowed("7.13.1")).containsExactly(new Outcome("INFORMATIONAL",
                "INFORMATIONAL"));
        assertThat(e.allowed("3.4")).containsExactlyInAnyOrder(new Outcome("OK", "OK"),
                new Outcome("NON-STRICT", "FAILED"));
    }

    @Test
    void aWrongCodeOrUncleanCloseCanNeverBeExpected() {
        assertThatThrownBy(() -> parse("7.9.1 OK/UNCLEAN no close frame\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UNCLEAN");
        assertThatThrownBy(() -> parse("7.9.1 OK/WRONG-CODE sent 1000\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WRONG-CODE");
        assertThatThrownBy(() -> parse("7.9.1 OK/OK/OK twice\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'/'");
    }

    /**
     * A report as Autobahn writes it (index.json, agent then case), crafted: the behaviour is
     * OK in every case, so only the closing behaviour can make the check fail.
     */
    private List<CaseResult> report(String... caseAndClose) throws IOException {
        StringBuilder json = new StringBuilder("{\"lws4j\": {");
        for (int i = 0; i < caseAndClose.length; i += 2) {
            json.append(i == 0 ? "" : ",").append('"').append(caseAndClose[i])
                    .append("\": {\"behavior\": \"OK\", \"behaviorClose\": \"")
                    .append(caseAndClose[i + 1]).append("\", \"duration\": 3, ")
                    .append("\"reportfile\": \"lws4j_case_").append(i).append(".json\"}");
        }
        Path index = dir.resolve("index.json");
        Files.writeString(index, json.append("}}").toString());
        return AutobahnReportIT.read(index);
    }

    @Test
    void theCheckFailsOnAWrongCloseCodeOrAnUncleanCloseWhenTheBehaviourIsOk()
            throws IOException {
        AutobahnExpectations e = parse("7.13.1 INFORMATIONAL/INFORMATIONAL by design\n");
        Path expected = dir.resolve("expected.txt");
        List<String> problems = AutobahnReportIT.differences(report("7.3.1", "WRONG CODE",
                "7.9.1", "UNCLEAN", "2.1", "FAILED BY CLIENT", "1.1.1", "OK"), e, expected, dir,
                false);
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).startsWith("2.1: OK/FAILED BY CLIENT (behaviour/close), "
                + "expected OK/OK");
        assertThat(problems.get(1)).startsWith("7.3.1: OK/WRONG CODE");
        assertThat(problems.get(2)).startsWith("7.9.1: OK/UNCLEAN");
    }

    @Test
    void aListedPairAllowsOnlyThatPair() throws IOException {
        AutobahnExpectations e = parse("3.4 OK|NON-STRICT/FAILED fuzzer timing\n");
        Path expected = dir.resolve("expected.txt");
        // OK with the kill timer's FAILED close is not the listed NON-STRICT/FAILED.
        assertThat(AutobahnReportIT.differences(report("3.4", "FAILED"), e, expected, dir,
                false)).singleElement().asString().startsWith("3.4: OK/FAILED");
        assertThat(AutobahnReportIT.differences(report("3.4", "OK"), e, expected, dir,
                false)).isEmpty();
    }

    @Test
    void theCheckedInFilesPinTheInformationalCasesClosingBehaviourToo() throws IOException {
        for (String file : List.of("autobahn-expected.txt", "autobahn-client-expected.txt")) {
            AutobahnExpectations e = AutobahnExpectations.parse(Path.of(file));
            assertThat(e.allowed("7.13.1")).as(file).containsExactly(
                    new Outcome("INFORMATIONAL", "INFORMATIONAL"));
            assertThat(e.allowed("1.1.1")).as(file).containsExactly(new Outcome("OK", "OK"));
        }
    }

    @Test
    void failedCanNeverBeExpected() {
        assertThatThrownBy(() -> parse("9.1.6 FAILED too slow\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FAILED");
    }

    @Test
    void everyLineNeedsAReason() {
        assertThatThrownBy(() -> parse("3.2 NON-STRICT\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
    }

    @Test
    void aCaseListedTwiceIsRejected() {
        assertThatThrownBy(() -> parse("3.2 OK a\n3.2 NON-STRICT b\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }

    @Test
    void theCheckedInFileParses() throws IOException {
        AutobahnExpectations e = AutobahnExpectations.parse(Path.of("autobahn-expected.txt"));
        assertThat(e.entries()).isNotEmpty();
    }

    @Test
    void caseIdsSortNumerically() {
        assertThat(AutobahnReportIT.compareCaseIds("9.10.1", "9.2.1")).isPositive();
        assertThat(AutobahnReportIT.compareCaseIds("1.1.2", "1.1.10")).isNegative();
    }
}

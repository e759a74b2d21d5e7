package io.lws4j.tests.autobahn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(e.allowed("3.2")).isEqualTo(Set.of("NON-STRICT", "OK"));
        assertThat(e.allowed("1.1.1")).isEqualTo(Set.of("OK"));
        assertThat(e.entries().get("3.2").reason()).isEqualTo("racy close");
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

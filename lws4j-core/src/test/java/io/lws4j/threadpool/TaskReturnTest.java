package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskReturnTest {

    @Test
    void withOutliveSetsTheFlagOnTheContinuingReturnsAndLeavesTheEndingOnesAlone() {
        assertThat(TaskReturn.CHECKING_IN.withOutlive()).isEqualTo(TaskReturn.CHECKING_IN_OUTLIVE);
        assertThat(TaskReturn.SYNC.withOutlive()).isEqualTo(TaskReturn.SYNC_OUTLIVE);
        assertThat(TaskReturn.FINISHED.withOutlive()).isEqualTo(TaskReturn.FINISHED);
        assertThat(TaskReturn.STOPPED.withOutlive()).isEqualTo(TaskReturn.STOPPED);
        assertThat(TaskReturn.CHECKING_IN_OUTLIVE.withOutlive()).isEqualTo(TaskReturn.CHECKING_IN_OUTLIVE);
        assertThat(TaskReturn.SYNC_OUTLIVE.withOutlive()).isEqualTo(TaskReturn.SYNC_OUTLIVE);
    }

    @Test
    void outliveIsTrueExactlyForTheFlaggedReturns() {
        for (TaskReturn r : TaskReturn.values()) {
            assertThat(r.outlive()).as(r.name())
                    .isEqualTo(r == TaskReturn.CHECKING_IN_OUTLIVE || r == TaskReturn.SYNC_OUTLIVE);
        }
    }
}

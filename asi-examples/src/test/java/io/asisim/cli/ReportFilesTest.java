package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.sim.compare.ComparisonResult;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The file-name slug of each comparison, for the showcase's titles. */
class ReportFilesTest {
  @Test
  void showcaseTitlesGiveShortUniqueSlugs() {
    List<ComparisonResult> rs = Stream.of(
        "What each fix is worth on kernel-build: the posted ASI configuration, each fix alone, all",
        "What each fix is worth on fio-randread: the posted ASI configuration, each fix alone, all",
        "Mappers on fio-randread: how restricted code reaches page-cache pages",
        "Allocator strategies replaying a real allocation trace (traces/tar-gzip-docs.perf.txt.xz)",
        "Flush policies: cost against leak exposure (kernel-build, ephmap and vmalloc, CR3 NOFLUSH)",
        "comparison", "comparison", "???")
        .map(t -> new ComparisonResult(t, List.of())).toList();
    assertThat(ReportFiles.ids(rs)).containsExactly("fix-worth-kernel-build", "fix-worth-fio-randread",
        "mappers-fio-randread", "allocator-strategies-replaying-real-allocation", "flush-policies", "comparison",
        "comparison-2", "comparison-3");
  }
}

package io.asisim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.asisim.report.Json;
import io.asisim.sim.api.BuildInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every JSON output of the CLI validates against the shipped schema (docs/schema, on the class path
 * as {@code io/asisim/report/schema/}), and starts with the version fields a program pins.
 */
class OutputSchemaTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static JsonSchema schema;

  @BeforeAll
  static void loadSchema() throws IOException {
    try (InputStream in = Json.class.getResourceAsStream("schema/asi-sim-output.schema.json")) {
      assertThat(in).as("schema resource in the CLI jar").isNotNull();
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }
  }

  private static JsonNode valid(Cli c) throws IOException {
    assertThat(c.code).as(c.err).isZero();
    JsonNode doc = MAPPER.readTree(c.out);
    Set<ValidationMessage> errors = schema.validate(doc);
    assertThat(errors).as("schema violations").isEmpty();
    List<String> first = new java.util.ArrayList<>();
    doc.fieldNames().forEachRemaining(first::add);
    assertThat(first.subList(0, 3)).as("version fields come first").containsExactly("schema_version", "tool_version", "git_commit");
    assertThat(doc.get("schema_version").asInt()).isEqualTo(Json.SCHEMA_VERSION);
    assertThat(doc.get("tool_version").asText()).isEqualTo(BuildInfo.current().toolVersion()).isEqualTo("0.1.0-SNAPSHOT");
    return doc;
  }

  @Test
  void runOutputValidates() throws IOException {
    JsonNode doc = valid(Cli.run("run", "--workload", "mmap-munmap", "--cpus", "2", "--memory", "256M",
        "--set", "workload.mmap-munmap.ops=200", "--format", "json"));
    assertThat(doc.at("/metrics/tlb_shootdowns/description").asText()).isEqualTo("TLB shootdowns (flushes sent to other CPUs)");
  }

  @Test
  void compareOutputValidates() throws IOException {
    JsonNode doc = valid(Cli.run("compare", "--workload", "mmap-munmap", "--cpus", "2", "--memory", "256M",
        "--flush", "local,precise", "--samples", "2", "--set", "workload.mmap-munmap.ops=200", "--format", "json"));
    assertThat(doc.at("/comparisons/0/metrics/ops/description").asText()).isEqualTo("workload operations completed");
  }

  @Test
  void replayOutputValidates(@TempDir Path tmp) throws IOException {
    Path trace = tmp.resolve("t.txt");
    Files.writeString(trace, "            perf  6291 [001]   298.507100:         kmem:mm_page_alloc: "
        + "page=0x100 pfn=0x100 order=0 migratetype=0 gfp_flags=GFP_KERNEL\n");
    valid(Cli.run("replay", trace.toString(), "--memory", "256M", "--format", "json"));
  }

  @Test
  void pluginsAndMetricsOutputsCarryTheGlossary() throws IOException {
    JsonNode plugins = valid(Cli.run("plugins", "--format", "json"));
    JsonNode metrics = valid(Cli.run("metrics", "--format", "json"));
    assertThat(plugins.get("metrics")).isEqualTo(metrics.get("metrics"));
    assertThat(metrics.get("metrics").findValuesAsText("name")).contains("tlb_shootdown_ipis", "asi_exits.<reason>", "vmap_purges");
  }

  @Test
  void theSchemaRejectsADocumentWithoutItsVersionFieldsOrWithAMalformedRow() throws IOException {
    ObjectNode doc = (ObjectNode) MAPPER.readTree(Cli.run("compare", "--workload", "mmap-munmap", "--cpus", "2",
        "--memory", "256M", "--samples", "1", "--set", "workload.mmap-munmap.ops=100", "--format", "json").out);
    assertThat(schema.validate(doc)).isEmpty();
    ObjectNode noCommit = doc.deepCopy();
    noCommit.remove("git_commit");
    assertThat(schema.validate(noCommit)).isNotEmpty();
    ObjectNode badRow = doc.deepCopy();
    ((ObjectNode) badRow.at("/comparisons/0/metrics/ops/rows/0")).put("mean", "many");
    assertThat(schema.validate(badRow)).isNotEmpty();
    ObjectNode extended = doc.deepCopy();
    ((ObjectNode) extended.at("/comparisons/0/metrics/ops/rows/0")).put("ci95", 0.5); // rows are open for more statistics
    assertThat(schema.validate(extended)).isEmpty();
  }

  @Test
  void versionNamesTheSameBuildAsTheJson() {
    Cli c = Cli.run("--version");
    assertThat(c.code).isZero();
    assertThat(c.out).isEqualTo("asi-sim " + BuildInfo.current().toolVersion() + " (git " + BuildInfo.current().gitCommit() + ")\n");
  }
}

package io.asisim.pagealloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.fixtures.FakeArch;
import io.asisim.fixtures.TestContext;
import io.asisim.pagealloc.proc.PagetypeInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginsTest {

  @Test
  void allocatorsAreDiscoveredAndBuildFromAContext(@TempDir Path dir) throws Exception {
    TreeMap<String, Plugin<?>> found = new TreeMap<>();
    for (Plugin<?> p : ServiceLoader.load(Plugin.class)) {
      if (p.kind() == PluginKind.ALLOCATOR) {
        found.put(p.name(), p);
      }
    }
    assertThat(found.keySet()).containsExactly("buddy", "pageblock-migratetype", "unmapped-pool");
    for (Plugin<?> p : found.values()) {
      assertThat(p.params()).extracting(ParamSpec::name).contains("initial-state", "cost-pcp");
      for (ParamSpec s : p.params()) {
        if (s.name().startsWith("cost-")) {
          assertThat(s.description()).contains("estimate");
        }
      }
      TestContext ctx = ctx(256L << 20);
      PageAllocator a = (PageAllocator) p.create(Params.of(p), ctx);
      long pfn = a.alloc(1, 0, Gfp.GFP_KERNEL);
      assertThat(pfn).isNotEqualTo(PageAllocator.NO_PAGE);
      a.free(1, pfn, 0);
      assertThat(a.checkConsistency()).as(p.name()).isNull();
      assertThat(ctx.metrics().get("alloc_requests")).isEqualTo(1);
    }
    // initial-state: the CLI sizes the machine from the file, then the plugin seeds from it.
    Path f = dir.resolve("pagetypeinfo");
    Files.writeString(f, ProcFsTest.resource("/proc/pagetypeinfo-6.18-vm.txt"));
    long bytes = PagetypeInfo.impliedMemoryBytes(f);
    Plugin<?> pm = found.get("pageblock-migratetype");
    TestContext ctx = ctx(bytes);
    PageAllocator a = (PageAllocator) pm.create(Params.of(pm, "initial-state", f.toString()), ctx);
    assertThat(ProcFs.pagetypeinfo(a)).startsWith(Files.readString(f));
    assertThat(a.checkConsistency()).isNull();
  }

  /** A context over a {@link FakeArch}: 4 CPUs, 256 boot-reserved frames, ASI on. */
  private static TestContext ctx(long bytes) {
    return new TestContext().withConfig(new MachineConfig(bytes, 4, true)).withArch(new FakeArch(4, bytes / 4096, 256))
        .withSensitivity(Fixtures.GFP_SENSITIVE);
  }
}

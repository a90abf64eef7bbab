package io.asisim.pagealloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.AsiOps;
import io.asisim.api.machine.CpuProfile;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.machine.TablePageSource;
import io.asisim.api.machine.TlbOps;
import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.PageAllocator;
import io.asisim.api.mm.SensitivityClassifier;
import io.asisim.api.plugin.ParamSpec;
import io.asisim.api.plugin.Params;
import io.asisim.api.plugin.Plugin;
import io.asisim.api.plugin.PluginKind;
import io.asisim.api.plugin.SimContext;
import io.asisim.pagealloc.proc.PagetypeInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
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
      Ctx ctx = new Ctx(256L << 20);
      PageAllocator a = (PageAllocator) p.create(Params.of(p), ctx);
      long pfn = a.alloc(1, 0, Gfp.GFP_KERNEL);
      assertThat(pfn).isNotEqualTo(PageAllocator.NO_PAGE);
      a.free(1, pfn, 0);
      assertThat(a.checkConsistency()).as(p.name()).isNull();
      assertThat(ctx.metrics.get("alloc_requests")).isEqualTo(1);
    }
    // initial-state: the CLI sizes the machine from the file, then the plugin seeds from it.
    Path f = dir.resolve("pagetypeinfo");
    Files.writeString(f, ProcFsTest.resource("/proc/pagetypeinfo-6.18-vm.txt"));
    long bytes = PagetypeInfo.impliedMemoryBytes(f);
    Plugin<?> pm = found.get("pageblock-migratetype");
    Ctx ctx = new Ctx(bytes);
    PageAllocator a = (PageAllocator) pm.create(Params.of(pm, "initial-state", f.toString()), ctx);
    assertThat(ProcFs.pagetypeinfo(a)).startsWith(Files.readString(f));
    assertThat(a.checkConsistency()).isNull();
  }

  /** A SimContext over a {@link FakeArch}-backed machine. */
  static final class Ctx implements SimContext {
    final MachineConfig cfg;
    final FakeMachine machine;
    final Metrics metrics = new Metrics();

    Ctx(long bytes) {
      cfg = new MachineConfig(bytes, 4, true);
      machine = new FakeMachine(4, bytes / 4096, 256);
    }

    @Override
    public MachineConfig machineConfig() {
      return cfg;
    }

    @Override
    public CpuProfile cpuProfile() {
      return null;
    }

    @Override
    public Machine machine() {
      return machine;
    }

    @Override
    public Metrics metrics() {
      return metrics;
    }

    @Override
    public SensitivityClassifier sensitivity() {
      return Fixtures.GFP_SENSITIVE;
    }

    @Override
    public PageAllocator allocator() {
      throw new IllegalStateException("an allocator does not need itself");
    }

    @Override
    public long seed() {
      return 1;
    }

    @Override
    public SplittableRandom random(String stream) {
      return new SplittableRandom(stream.hashCode());
    }
  }

  /** Only the {@code ArchPageOps} part of a machine is used by allocators. */
  static final class FakeMachine implements Machine {
    private final FakeArch arch;

    FakeMachine(int cpus, long frames, long reserved) {
      arch = new FakeArch(cpus, frames, reserved);
    }

    @Override public int nrCpus() { return arch.nrCpus(); }
    @Override public long nrFrames() { return arch.nrFrames(); }
    @Override public long bootReservedFrames() { return arch.bootReservedFrames(); }
    @Override public void charge(int cpu, long cycles) { arch.charge(cpu, cycles); }
    @Override public void clearPages(int cpu, long pfn, long count) { arch.clearPages(cpu, pfn, count); }
    @Override public boolean setRestrictedMapped(int cpu, long pfn, long count, boolean present) { return arch.setRestrictedMapped(cpu, pfn, count, present); }
    @Override public boolean isRestrictedMapped(long pfn) { return arch.isRestrictedMapped(pfn); }
    @Override public boolean setDirectMapped(int cpu, long pfn, long count, boolean present) { return arch.setDirectMapped(cpu, pfn, count, present); }
    @Override public boolean isDirectMapped(long pfn) { return arch.isDirectMapped(pfn); }
    @Override public void flushKernelRange(int cpu, long pfn, long count) { arch.flushKernelRange(cpu, pfn, count); }
    @Override public CpuProfile profile() { return null; }
    @Override public long cycles(int cpu) { return 0; }
    @Override public void setTablePageSource(TablePageSource source) {}
    @Override public AddressSpaces addressSpaces() { return null; }
    @Override public TlbOps tlb() { return null; }
    @Override public AsiOps asi() { return null; }
    @Override public boolean isZeroed(long pfn) { return false; }
  }
}

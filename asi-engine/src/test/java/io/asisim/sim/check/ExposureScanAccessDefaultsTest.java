package io.asisim.sim.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.kernel.ExposureScan;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.machine.PfnRange;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import io.asisim.sim.run.Boot;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The defaults of {@link ExposureScan.Access} for a kernel that knows less (docs/checker.md,
 * "Settled entries"): every CPU runs a task; without a task id, a loss count, a list of lost frames
 * or a sensitivity count nothing is settled that could turn, so a silent loss of access or a frame
 * turning sensitive is seen at the next scan; and {@code anySensitive} asks the 512 frames of a
 * 2 MiB leaf one by one, exactly once each when none is sensitive.
 */
class ExposureScanAccessDefaultsTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();
  private static final long VA = 0x400000L;

  private Machine m;
  private final Set<Long> sensitive = new HashSet<>();
  private final Set<Long> readable = new HashSet<>();
  private int isSensitiveCalls;

  /** Sensitivity and access only; the tests add what else the kernel knows. */
  private class Base implements ExposureScan.Access {
    @Override public boolean isSensitive(long pfn) {
      isSensitiveCalls++;
      return sensitive.contains(pfn);
    }

    @Override public boolean hasAccess(int cpu, long pfn) {
      return readable.contains(pfn);
    }
  }

  private void boot() {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "fio-randread");
    m = Boot.boot(new VariantConfig(new MachineConfig(256L << 20, 1, true), sel, sel.keySet(),
        Settings.parse(List.of("machine.x86.cr3-noflush=true"), REGISTRY), 1, 1), REGISTRY).machine();
    AddressSpaces as = m.addressSpaces();
    long mm = as.mmCreate(0);
    as.switchMm(0, mm);
    m.asi().asiEnter(0);
    assertThat(as.mapUser(0, mm, VA, 30000, true)).isTrue();
    assertThat(m.tlb().access(0, VA, false, 0)).isEqualTo(30000);
  }

  /** A silent loss: readable at one scan, not at the next, no count moving. */
  private void assertSilentLossSeen(ExposureScan.Access access) {
    sensitive.add(30000L);
    readable.add(30000L);
    ExposureScan scan = new ExposureScan(m, access);
    assertThat(scan.scan((io.asisim.api.mapper.Mapper) null)).isZero();
    readable.remove(30000L);
    assertThat(scan.scan((io.asisim.api.mapper.Mapper) null)).isEqualTo(1);
    assertThat(scan.pfn(0)).isEqualTo(30000);
    assertThat(scan.cpu(0)).isZero();
  }

  @Test
  void withOnlySensitivityAndAccessEveryEntryIsReadAtEveryScan() {
    boot();
    assertSilentLossSeen(new Base());
  }

  @Test
  void aTaskIdWithoutALossCountSettlesNothing() {
    boot();
    assertSilentLossSeen(new Base() {
      @Override public int runningTask(int cpu) {
        return 3;
      }
    });
  }

  @Test
  void aLossCountWithoutATaskIdSettlesNothing() {
    boot();
    assertSilentLossSeen(new Base() {
      @Override public long accessLosses(int cpu) {
        return 0;
      }
    });
  }

  @Test
  void lossesThatCannotBeListedUnsettleTheCpu() {
    boot();
    long[] losses = {0};
    sensitive.add(30000L);
    readable.add(30000L);
    ExposureScan scan = new ExposureScan(m, new Base() {
      @Override public int runningTask(int cpu) {
        return 3;
      }

      @Override public long accessLosses(int cpu) {
        return losses[0];
      }
    });
    assertThat(scan.scan((io.asisim.api.mapper.Mapper) null)).isZero();
    readable.remove(30000L);
    losses[0]++;
    assertThat(scan.scan((io.asisim.api.mapper.Mapper) null)).isEqualTo(1);
  }

  @Test
  void withoutASensitivityCountACleanEntryIsReadAgain() {
    boot();
    ExposureScan scan = new ExposureScan(m, new Base() {
      @Override public int runningTask(int cpu) {
        return 3;
      }

      @Override public long accessLosses(int cpu) {
        return 0;
      }
    });
    assertThat(scan.scan((io.asisim.api.mapper.Mapper) null)).isZero();
    sensitive.add(30000L); // turned sensitive; no count says so
    assertThat(scan.scan((io.asisim.api.mapper.Mapper) null)).isEqualTo(1);
  }

  @Test
  void aTwoMibLeafIsAskedFrameByFrame() {
    boot();
    long base = -1;
    for (long b = m.nrFrames() - 512; b >= 0 && base < 0; b -= 512) {
      if (m.restrictedPageblockMapped(b) == 1 && PfnRange.framesIn(m.bootReservation(), b, b + 512) == 0) {
        base = b;
      }
    }
    assertThat(base).as("a pageblock mapped by one 2 MiB leaf").isNotNegative();
    assertThat(m.tlb().access(0, AddressSpaces.directMapVa(base + 1), false, 0)).isEqualTo(base + 1);
    ExposureScan scan = new ExposureScan(m, new Base());
    sensitive.add(30000L);
    readable.add(30000L);
    isSensitiveCalls = 0;
    assertThat(scan.scan((io.asisim.api.mapper.Mapper) null)).isZero();
    assertThat(isSensitiveCalls).as("the user entry once, the clean leaf's 512 frames once").isEqualTo(513);
    sensitive.add(base + 200);
    assertThat(scan.scan((io.asisim.api.mapper.Mapper) null)).isEqualTo(1);
    assertThat(scan.pfn(0)).isEqualTo(base + 200);
  }
}

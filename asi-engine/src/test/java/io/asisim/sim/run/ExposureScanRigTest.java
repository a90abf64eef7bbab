package io.asisim.sim.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.kernel.ExposureScan;
import io.asisim.api.machine.AddressSpaces;
import io.asisim.api.machine.Machine;
import io.asisim.api.machine.MachineConfig;
import io.asisim.api.mapper.AliasVisitor;
import io.asisim.api.mapper.Mapper;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.config.Settings;
import io.asisim.sim.config.VariantConfig;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link ExposureScan} on hand-placed restricted TLB entries of the x86 machine, with an access rule
 * the test controls (docs/checker.md, "Leak exposures" and "Settled entries"): exactly the (cpu,
 * frame) pairs the rule defines are found, sorted and without duplicates; an idle CPU and another
 * ASID's entries count nothing; settled entries are not asked again (operation counts) until the
 * task, the loaded mm, a loss of access or a change of sensitivity says they may have changed; and
 * a live alias reachable by page walk counts on every CPU whose task may not read its frame.
 */
class ExposureScanRigTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();
  private static final long VA = 0x400000L;

  private Machine m;
  private AddressSpaces as;
  private long mm;
  private long other;
  // the access rule
  private final Set<Long> sensitive = new HashSet<>();
  private final Set<String> readable = new HashSet<>();
  private final int[] task = {7, -1};
  private long losses;
  private long[] lost = new long[0];
  private long sensChanges;
  private int asked;
  private final List<long[]> aliases = new ArrayList<>();
  private ExposureScan scan;

  private void boot() {
    Map<PluginKind, String> sel = new EnumMap<>(PluginKind.class);
    sel.put(PluginKind.WORKLOAD, "fio-randread");
    m = Boot.boot(new VariantConfig(new MachineConfig(256L << 20, 2, true), sel, sel.keySet(),
        Settings.parse(List.of("machine.x86.cr3-noflush=true"), REGISTRY), 1, 1), REGISTRY).machine();
    as = m.addressSpaces();
    mm = as.mmCreate(0);
    other = as.mmCreate(0);
    Mapper mapper = new Mapper() {
      @Override public long map(int cpu, long owner, long pfn) { return NO_ALIAS; }
      @Override public void unmap(int cpu, long owner, long va) {}
      @Override public void forEachAlias(AliasVisitor v) {
        for (long[] a : aliases) {
          v.alias(0, a[0], a[1], a[2], a[3] != 0);
        }
      }
    };
    scan = new ExposureScan(m, mapper, new ExposureScan.Access() {
      @Override public boolean isSensitive(long pfn) {
        return sensitive.contains(pfn);
      }

      @Override public boolean hasAccess(int cpu, long pfn) {
        asked++;
        return readable.contains(task[cpu] + ":" + pfn);
      }

      @Override public boolean runsTask(int cpu) {
        return task[cpu] >= 0;
      }

      @Override public int runningTask(int cpu) {
        return task[cpu];
      }

      @Override public long accessLosses(int cpu) {
        return losses;
      }

      @Override public int lostFramesSince(int cpu, long since, long[] buf) {
        System.arraycopy(lost, 0, buf, 0, lost.length);
        return lost.length;
      }

      @Override public long sensitivityChanges() {
        return sensChanges;
      }
    });
  }

  /** Maps {@code n} user pages of {@code owner} from {@link #VA} to frames from {@code pfn} and caches them on cpu 0. */
  private void cache(long owner, long pfn, int n) {
    as.switchMm(0, owner);
    m.asi().asiEnter(0);
    for (int i = 0; i < n; i++) {
      assertThat(as.mapUser(0, owner, VA + ((long) i << 12), pfn + i, true)).isTrue();
      assertThat(m.tlb().access(0, VA + ((long) i << 12), false, 0)).isEqualTo(pfn + i);
    }
  }

  private List<String> found() {
    int n = scan.scan();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(scan.cpu(i) + ":" + scan.pfn(i));
    }
    assertThat(scan.size()).isEqualTo(n);
    return out;
  }

  @Test
  void exactlyTheUnreadableSensitiveFramesAreFoundAndSettledOnesAreNotAskedAgain() {
    boot();
    cache(mm, 20000, 4); // frames 20000..20003 on cpu 0
    sensitive.addAll(List.of(20000L, 20001L, 20002L));
    readable.add("7:20001");
    assertThat(found()).containsExactly("0:20000", "0:20002"); // 20003 is not sensitive, 20001 readable
    assertThat(scan.isExposed(0, 20000)).isTrue();
    assertThat(scan.isExposed(0, 20001)).isFalse();
    assertThat(scan.isExposed(1, 20000)).isFalse();
    int first = asked;
    assertThat(first).isEqualTo(3);
    assertThat(found()).containsExactly("0:20000", "0:20002");
    // the readable entry settled: only the two exposed ones are asked again; the nonsensitive one
    // settled too, since the sensitivity count stands still
    assertThat(asked - first).isEqualTo(2);
    sensitive.add(20003L);
    assertThat(found()).as("a frame turned sensitive without the count moving: still settled")
        .containsExactly("0:20000", "0:20002");
    sensChanges++;
    assertThat(found()).as("the count moved: every entry is read again").containsExactly("0:20000", "0:20002", "0:20003");
  }

  @Test
  void aLossOfAccessATaskSwitchAndAnotherMmUnsettleWhatTheyMust() {
    boot();
    cache(mm, 30000, 2);
    sensitive.addAll(List.of(30000L, 30001L));
    readable.addAll(List.of("7:30000", "7:30001"));
    assertThat(found()).isEmpty();
    int before = asked;
    assertThat(found()).isEmpty();
    assertThat(asked).as("both settled readable").isEqualTo(before);
    readable.remove("7:30001"); // task 7 closed the file: the kernel logs the loss
    losses = 1;
    lost = new long[] {30001};
    assertThat(found()).containsExactly("0:30001");
    assertThat(asked - before).as("only the lost frame is asked").isEqualTo(1);
    lost = new long[0];
    task[0] = 8; // another task on cpu 0: everything is asked again, and it may read nothing
    assertThat(found()).containsExactly("0:30000", "0:30001");
    task[0] = -1; // idle: no attacker
    assertThat(found()).isEmpty();
    task[0] = 8;
    m.asi().asiExit(0, io.asisim.api.machine.AsiExitReason.MISC, 0);
    as.switchMm(0, other); // the entries are another ASID's now: unreachable until mm is loaded
    assertThat(found()).isEmpty();
  }

  @Test
  void aLiveAliasCountsOnEveryCpuThatReachesItAndAReleasedOneNowhere() {
    boot();
    as.switchMm(0, mm);
    as.switchMm(1, mm);
    task[1] = 9;
    long va = AddressSpaces.VMALLOC_START + (3L << 12);
    as.mapKernel(0, va, 40000);
    sensitive.add(40000L);
    aliases.add(new long[] {AliasVisitor.ALL_MM, va, 40000, 1});
    readable.add("7:40000");
    assertThat(found()).containsExactly("1:40000"); // cpu 0's task may read it, cpu 1's may not
    aliases.set(0, new long[] {AliasVisitor.ALL_MM, va, 40000, 0});
    assertThat(found()).as("released (its PTE is the alias PTE rule's business)").isEmpty();
    sensitive.add(40001L);
    aliases.set(0, new long[] {AliasVisitor.ALL_MM, va, 40001, 1});
    assertThat(found()).as("the walk reaches another frame than the alias names").isEmpty();
  }
}

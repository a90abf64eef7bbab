package io.asisim.pagealloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.mm.Migratetype;
import io.asisim.api.mm.Sensitivity;
import io.asisim.fixtures.FakeArch;
import io.asisim.pagealloc.proc.PagetypeInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Golden /proc renderings and the round trip through a real machine's /proc/pagetypeinfo. */
class ProcFsTest {
  private static final String REAL_PTI = "/proc/pagetypeinfo-6.18-vm.txt";
  private static final String REAL_BUDDY = "/proc/buddyinfo-6.18-vm.txt";

  static String resource(String name) throws IOException {
    try (InputStream in = ProcFsTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static BuddyConfig cfg(boolean asi) {
    return BuddyConfig.defaults(asi);
  }

  @Test
  void freshMachineGolden() {
    // 64 MiB: DMA [0, 4096) and DMA32 [4096, 16384); pfns 0..255 (1 MiB) reserved by memblock.
    // DMA frees 256@8, 512@9, then 1024@10 x3; DMA32 frees twelve order-10 blocks. All Movable.
    FakeArch arch = new FakeArch(2, 16384, 256);
    BuddyAllocator a = Allocators.buddy(arch, new Metrics(), null, cfg(false), "");
    assertThat(ProcFs.buddyinfo(a)).isEqualTo(
        "Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n"
      + "Node 0, zone    DMA32      0      0      0      0      0      0      0      0      0      0     12 \n");
    assertThat(ProcFs.pagetypeinfo(a)).isEqualTo(
        "Page block order: 9\n"
      + "Pages per block:  512\n"
      + "\n"
      + "Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
      + "Node    0, zone      DMA, type    Unmovable      0      0      0      0      0      0      0      0      0      0      0 \n"
      + "Node    0, zone      DMA, type      Movable      0      0      0      0      0      0      0      0      1      1      3 \n"
      + "Node    0, zone      DMA, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
      + "Node    0, zone      DMA, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
      + "Node    0, zone      DMA, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
      + "Node    0, zone    DMA32, type    Unmovable      0      0      0      0      0      0      0      0      0      0      0 \n"
      + "Node    0, zone    DMA32, type      Movable      0      0      0      0      0      0      0      0      0      0     12 \n"
      + "Node    0, zone    DMA32, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
      + "Node    0, zone    DMA32, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
      + "Node    0, zone    DMA32, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
      + "\n"
      + "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
      + "Node 0, zone      DMA            0            8            0            0            0 \n"
      + "Node 0, zone    DMA32            0           24            0            0            0 \n");
    assertThat(a.checkConsistency()).isNull();
  }

  @Test
  void realPagetypeinfoParses() throws IOException {
    PagetypeInfo info = PagetypeInfo.parse(resource(REAL_PTI), "pagetypeinfo");
    assertThat(info.types()).containsExactly(Migratetype.UNMOVABLE, Migratetype.MOVABLE,
        Migratetype.RECLAIMABLE, Migratetype.HIGHATOMIC, Migratetype.ISOLATE);
    assertThat(info.zones()).extracting(PagetypeInfo.ZoneInfo::name).containsExactly("DMA", "DMA32", "Normal");
    assertThat(info.zones().get(0).totalBlocks()).isEqualTo(8);
    assertThat(info.zones().get(1).totalBlocks()).isEqualTo(1528);
    assertThat(info.memoryBytes()).isEqualTo(info.totalBlocks() * (2L << 20));
  }

  @Test
  void realStateSeedsAndRendersBackByteForByte() throws IOException {
    String text = resource(REAL_PTI);
    PagetypeInfo info = PagetypeInfo.parse(text, "pagetypeinfo");
    for (boolean asi : new boolean[] {false, true}) {
      // 1 MiB of memblock-reserved frames at the bottom of DMA, as on a real x86-64 machine.
      FakeArch arch = new FakeArch(2, info.memoryBytes() / 4096, 256);
      BuddyAllocator a = Allocators.seeded(arch, new Metrics(), Fixtures.GFP_SENSITIVE, cfg(asi), info, "pagetypeinfo");
      assertThat(a.checkConsistency()).isNull();
      String rendered = ProcFs.pagetypeinfo(a);
      if (asi) {
        assertThat(rendered).startsWith(text);
        assertThat(rendered).contains("Number of blocks sensitivity");
      } else {
        assertThat(rendered).isEqualTo(text);
      }
      assertThat(ProcFs.buddyinfo(a)).isEqualTo(resource(REAL_BUDDY));
      // parse -> seed -> render -> parse gives the same counts
      PagetypeInfo again = PagetypeInfo.parse(rendered, "rendered");
      for (int z = 0; z < 3; z++) {
        for (Migratetype mt : info.types()) {
          assertThat(again.zones().get(z).free()[mt.ordinal()]).isEqualTo(info.zones().get(z).free()[mt.ordinal()]);
          assertThat(again.zones().get(z).blocks()[mt.ordinal()]).isEqualTo(info.zones().get(z).blocks()[mt.ordinal()]);
        }
      }
      // The seeded allocator keeps working from that state.
      long p = a.alloc(0, 0, Gfp.GFP_KERNEL | Gfp.__GFP_SENSITIVE);
      assertThat(p).isNotEqualTo(-1);
      a.free(0, p, 0);
      assertThat(a.checkConsistency()).isNull();
    }
  }

  @Test
  void pooledRenderingAddsThePoolRow() {
    FakeArch arch = new FakeArch(2, 16384, 256);
    Metrics m = new Metrics();
    BuddyAllocator main = Allocators.buddy(arch, m, Fixtures.GFP_SENSITIVE, cfg(false), "");
    UnmappedPoolAllocator a = Allocators.unmappedPool(main, m, Fixtures.GFP_SENSITIVE, Sensitivity.SENSITIVE, false, 9, 128);
    a.alloc(0, 0, Gfp.GFP_KERNEL | Gfp.__GFP_SENSITIVE);
    assertThat(ProcFs.pagetypeinfo(a)).endsWith(
        "\nUnmapped pool (sensitive) free pages count at order      0      1      2      3      4      5      6      7      8      9     10 \n"
      + "Node    0, pool    sensitive      1      1      1      1      1      1      1      1      1      0      0 \n");
  }

  @Test
  void malformedFilesFailWithFileAndLine(@TempDir Path dir) throws IOException {
    String text = resource(REAL_PTI);
    String bad = text.replace("Node    0, zone    DMA32, type      Movable      1", "Node    0, zone    DMA32, type      Movable      x");
    assertThatThrownBy(() -> PagetypeInfo.parse(bad, "f.txt"))
        .hasMessageStartingWith("f.txt:11: 'x' is not a free block count");
    assertThatThrownBy(() -> PagetypeInfo.parse(text.replace("zone   Normal, type      Movable", "zone  HighMem, type      Movable"), "f.txt"))
        .hasMessageContaining("zone HighMem (valid: DMA, DMA32, Normal)");
    assertThatThrownBy(() -> PagetypeInfo.parse(text.replace("Page block order: 9", "Page block order: 10"), "f.txt"))
        .hasMessage("f.txt:1: pageblock order 10 (valid: 9, x86-64)");
    Path f = dir.resolve("pti");
    Files.writeString(f, text);
    FakeArch small = new FakeArch(2, 16384, 256);
    assertThatThrownBy(() -> Allocators.buddy(small, new Metrics(), null, cfg(false), f.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(f + ": the initial state implies")
        .hasMessageContaining("(valid: --memory ");
    assertThat(Allocators.impliedMemoryBytes(f)).isEqualTo(PagetypeInfo.parse(text, "x").memoryBytes());
    assertThat(List.of(Allocators.impliedMemoryBytes(f) % (2L << 20))).containsExactly(0L);
  }
}

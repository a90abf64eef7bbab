package io.asisim.pagealloc;

import static io.asisim.api.mm.Gfp.GFP_KERNEL;
import static io.asisim.api.mm.Gfp.__GFP_DMA;
import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.fixtures.FakeArch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code first_zones_zonelist()} ({@link FreeArea#preferredZone}): the first populated zone at or
 * below the request's highest zone, down to ZONE_DMA (index 0) itself. A DMA zone of 16 MiB under
 * a DMA32 zone of 16 MiB, plain buddy, watermarks 0.
 */
class PreferredZoneTest {
  @Test
  void aDmaRequestIsServedFromZoneDmaAndOthersFromAbove() {
    FakeArch arch = new FakeArch(2, 8192, 0);
    BuddyAllocator a = new BuddyAllocator(arch, new Metrics(), Fixtures.GFP_SENSITIVE, Fixtures.tinyWatermarks(false),
        List.of(new ZoneSpan(0, "DMA", 0, 4096), new ZoneSpan(1, "DMA32", 4096, 8192)));
    a.freeAllBootMemory();
    assertThat(a.fa.preferredZone(0).name).isEqualTo("DMA");
    assertThat(a.fa.preferredZone(2).name).isEqualTo("DMA32"); // no Normal zone
    assertThat(a.alloc(0, 10, GFP_KERNEL | __GFP_DMA)).isEqualTo(0);
    assertThat(a.alloc(0, 10, GFP_KERNEL)).isEqualTo(4096);
    assertThat(a.checkConsistency()).isNull();
  }
}

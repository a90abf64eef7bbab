package io.asisim.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.asisim.api.metrics.Metrics;
import io.asisim.api.mm.Gfp;
import io.asisim.api.trace.TraceRecord;
import io.asisim.api.trace.TraceRecord.Event;
import io.asisim.api.trace.TraceRecord.Kind;
import io.asisim.sim.slab.SlabInfo;
import io.asisim.sim.slab.SlabSensitivity;
import org.junit.jupiter.api.Test;

/** Slab events: parsed from real perf text, replayed through the SLUB model onto a page allocator. */
class SlabReplayTest {
  private static final String ALLOC = "            perf 17075 [001]  1740.177119: kmem:kmem_cache_alloc: "
      + "call_site=alloc_empty_file+0x3c ptr=0xffff8881053e4b40 name=filp bytes_req=184 bytes_alloc=192 "
      + "gfp_flags=GFP_KERNEL node=-1 accounted=true";
  private static final String KMALLOC = "            perf 17075 [000]  1740.177037:          kmem:kmalloc: "
      + "call_site=sched_setaffinity+0x127 ptr=0xffff8881032e2500 bytes_req=32 bytes_alloc=32 gfp_flags=GFP_KERNEL "
      + "node=-1 accounted=false";
  private static final String FREE = "            perf 17075 [001]  1740.177131:  kmem:kmem_cache_free: "
      + "call_site=do_sys_openat2+0xa2 ptr=0xffff8881053e4b40 name=filp";
  private static final String KFREE = "            perf 17075 [001]  1740.177113:            kmem:kfree: "
      + "call_site=sched_setaffinity+0x17b ptr=0xffff8881032e2500";

  @Test
  void theFourRealLineShapesParse() {
    KmemLineParser p = new KmemLineParser();
    TraceRecord r = new TraceRecord();
    assertThat(p.parse(ALLOC, r)).isEqualTo(Kind.SLAB_ALLOC);
    assertThat(r.event).isEqualTo(Event.KMEM_CACHE_ALLOC);
    assertThat(r.ptr).isEqualTo(0xffff8881053e4b40L);
    assertThat(r.cache).isEqualTo("filp");
    assertThat(r.bytesAlloc).isEqualTo(192);
    assertThat(r.gfpMask).isEqualTo(Gfp.GFP_KERNEL);
    assertThat(r.cpu).isEqualTo(1);
    assertThat(p.parse(KMALLOC, r)).isEqualTo(Kind.SLAB_ALLOC);
    assertThat(r.cache).isEqualTo("kmalloc-32");
    assertThat(p.parse(FREE, r)).isEqualTo(Kind.SLAB_FREE);
    assertThat(r.ptr).isEqualTo(0xffff8881053e4b40L);
    assertThat(p.parse(KFREE, r)).isEqualTo(Kind.SLAB_FREE);
    assertThat(p.parse(KFREE.replace("0xffff8881032e2500", "(nil)"), r)).isEqualTo(Kind.SLAB_FREE);
    assertThat(r.ptr).isZero();
    assertThat(p.parse(KFREE.replace("0xffff8881032e2500", "0xfffz"), r)).isEqualTo(Kind.MALFORMED);
    assertThat(r.error).startsWith("bad ptr '0xfffz'");
    assertThat(p.parse(ALLOC.replace(" bytes_alloc=192", ""), r)).isEqualTo(Kind.MALFORMED);
    assertThat(r.error).isEqualTo("kmem_cache_alloc without bytes_alloc= (truncated or shifted line?)");
    assertThat(p.parse(ALLOC.replace(" name=filp", ""), r)).isEqualTo(Kind.SLAB_ALLOC);
    assertThat(r.cache).isEqualTo("kmem_cache-192"); // kernels before 6.2
  }

  @Test
  void kmallocTakesTheCacheKmallocTypeSelects() {
    KmemSlabFields f = new KmemSlabFields(new GfpCache());
    assertThat(f.kmallocCache(32, Gfp.GFP_KERNEL)).isEqualTo("kmalloc-32");
    assertThat(f.kmallocCache(1024, Gfp.GFP_KERNEL_ACCOUNT)).isEqualTo("kmalloc-cg-1k");
    assertThat(f.kmallocCache(192, Gfp.GFP_KERNEL | Gfp.__GFP_RECLAIMABLE | Gfp.__GFP_ACCOUNT))
        .isEqualTo("kmalloc-rcl-192");
    assertThat(f.kmallocCache(8192, Gfp.GFP_KERNEL | Gfp.__GFP_DMA)).isEqualTo("dma-kmalloc-8k");
    assertThat(f.kmallocCache(16384, Gfp.GFP_KERNEL)).isEqualTo("kmalloc-large");
    // a size class this kernel lacks is named all the same, and built once: the same instance again
    assertThat(f.kmallocCache(160, Gfp.GFP_KERNEL_ACCOUNT)).isEqualTo("kmalloc-cg-160")
        .isSameAs(f.kmallocCache(160, Gfp.GFP_KERNEL_ACCOUNT));
    assertThat(f.kmallocCache(160, Gfp.GFP_KERNEL)).isEqualTo("kmalloc-160");
  }

  @Test
  void aRealCaptureReplaysWithTheCountsAnIndependentModelGives() {
    ParsedTrace t = TraceLoader.load(Traces.resource("find-tar-20k.perf.txt.xz"), "auto", true, 0);
    // per event: awk over the file; replay counters: the Python model of the rules in
    // traces/README.md (pointers live by identity, NULL frees, frees of objects not allocated here)
    assertThat(t.summary().count(Event.KMEM_CACHE_ALLOC)).isEqualTo(6763);
    assertThat(t.summary().count(Event.KMEM_CACHE_FREE)).isEqualTo(3811);
    assertThat(t.summary().count(Event.KMALLOC)).isEqualTo(4286);
    assertThat(t.summary().count(Event.KFREE)).isEqualTo(5140);
    assertThat(t.size()).isEqualTo(20000);
    Metrics m = new Metrics();
    RefKernel k = new RefKernel(1 << 16, 2);
    TraceReplayer r = new TraceReplayer(t, m, SlabSensitivity.RECLAIMABLE);
    for (int i = 0; i < t.size(); i++) {
      r.replay(k, i);
    }
    assertThat(m.get("slab_allocs")).isEqualTo(11049);
    assertThat(m.get("slab_frees")).isEqualTo(7505);
    assertThat(m.get("trace_slab_null_frees")).isEqualTo(1052);
    assertThat(m.get("trace_unmatched_frees")).isEqualTo(394);
    assertThat(m.get("trace_lost_frees")).isZero();
    assertThat(m.get("trace_events.kfree")).isEqualTo(5140);
    assertThat(r.slub().inconsistency()).isNull();
    long held = m.get("slab_pages");
    assertThat(held).isPositive().isEqualTo(m.get("nr_slab_reclaimable") + m.get("nr_slab_unreclaimable"));
    assertThat(k.used.cardinality()).isEqualTo(held); // every slab page came from the page allocator
    assertThat(SlabInfo.render(r.slub())).startsWith(SlabInfo.HEADER).contains("\nfilp ");
    r.releaseAll(k);
    assertThat(k.used.cardinality()).isZero();
    assertThat(r.slub().inconsistency()).isNull();
  }

  @Test
  void slabEventsOfATraceWithPageEventsAreCountedNotReplayed() {
    ParsedTrace t = Traces.perf(Traces.alloc(0, 0x1000, 0, "GFP_KERNEL"), ALLOC, FREE, KMALLOC);
    Metrics m = new Metrics();
    RefKernel k = new RefKernel(1 << 14, 2);
    TraceReplayer r = new TraceReplayer(t, m);
    for (int i = 0; i < t.size(); i++) {
      r.replay(k, i);
    }
    assertThat(m.get("trace_slab_events_not_replayed")).isEqualTo(3);
    assertThat(m.get("slab_allocs")).isZero();
    assertThat(k.used.cardinality()).isEqualTo(1); // the page event's page only
  }

  @Test
  void aPageOnlyTraceRegistersNoSlabMetrics() {
    ParsedTrace t = Traces.perf(Traces.alloc(0, 0x1000, 0, "GFP_KERNEL"), Traces.free(0, 0x1000, 0));
    Metrics m = new Metrics();
    new TraceReplayer(t, m);
    assertThat(m.all().keySet()).noneMatch(n -> n.contains("slab"));
  }
}

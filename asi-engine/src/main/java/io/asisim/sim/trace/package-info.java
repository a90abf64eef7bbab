/**
 * Real-trace replay: reading {@code perf script} and {@code trace-cmd report} text of
 * the kmem page-allocator tracepoints and replaying it through the simulated page allocator.
 *
 * <table>
 *   <caption>What models what</caption>
 *   <tr><th>kernel</th><th>class</th></tr>
 *   <tr><td>{@code TP_printk()} of {@code mm_page_alloc}, {@code mm_page_free},
 *       {@code mm_page_free_batched}, {@code mm_page_alloc_extfrag}, {@code mm_page_alloc_zone_locked},
 *       {@code mm_page_pcpu_drain} (include/trace/events/kmem.h); {@code show_gfp_flags()}
 *       (include/trace/events/mmflags.h); {@code trace_print_lat_fmt()} irq flags
 *       (kernel/trace/trace_output.c)</td><td>{@link io.asisim.sim.trace.KmemLineParser} (record
 *       header, event name), {@link io.asisim.sim.trace.KmemFields} (pfn, order, gfp_flags),
 *       {@link io.asisim.sim.trace.GfpCache}</td></tr>
 *   <tr><td>{@code __alloc_pages()} / {@code __free_pages()} as traced, with the
 *       {@code free_pages_prepare()} + {@code free_unref_folios()} double trace of batched frees</td>
 *       <td>{@link io.asisim.sim.trace.TraceReplayer}</td></tr>
 * </table>
 *
 * <p>Entry points: {@link io.asisim.sim.trace.TraceLoader#load} (file to
 * {@link io.asisim.sim.trace.ParsedTrace}, with the formats of {@link io.asisim.sim.trace.TraceFormats}:
 * every {@code trace-format} plugin, sniffed by its {@code recognizes()}; the text parsed in blocks
 * on several threads by {@link io.asisim.sim.trace.TraceBlocks}), {@link io.asisim.sim.trace.TraceReplayer} (replay through a
 * {@link io.asisim.api.kernel.Kernel}), and the plugins {@code workload/trace},
 * {@code trace-format/perf-script}, {@code trace-format/trace-cmd}.
 */
package io.asisim.sim.trace;

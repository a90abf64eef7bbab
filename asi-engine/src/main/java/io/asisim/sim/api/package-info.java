/**
 * The Java API for embedding asi-sim: {@link io.asisim.sim.api.AsiSim} finds the plugins, builds
 * {@link io.asisim.sim.api.Variant}s and comparisons and returns typed results, whose metrics
 * carry unit and better direction ({@link io.asisim.api.metrics.MetricDescriptor}). An unknown
 * plugin, parameter or metric name is a {@link io.asisim.sim.BadInputException} whose message lists
 * what is valid. docs/java-api.md shows a complete example; the {@code embed} sample project under
 * asi-examples builds against it.
 */
package io.asisim.sim.api;

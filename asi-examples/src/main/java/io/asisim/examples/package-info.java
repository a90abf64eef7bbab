/**
 * Example comparisons: each class is a small {@code main()} that reads as documentation of the
 * engine API — build {@link io.asisim.sim.config.VariantConfig}s, run them with
 * {@link io.asisim.sim.compare.Comparison} (which adds the {@code --asi off} baseline), and read
 * {@link io.asisim.sim.compare.ComparisonResult#rows} per metric. Run one with
 * {@code java -cp "asi-examples/target/asi-examples-0.1.0-SNAPSHOT.jar:asi-examples/target/lib/*"
 * io.asisim.examples.MapperComparison [ops]}.
 */
package io.asisim.examples;

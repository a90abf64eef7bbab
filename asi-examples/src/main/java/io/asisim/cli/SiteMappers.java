package io.asisim.cli;

import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.BadInputException;
import io.asisim.sim.kernel.AccessSite;
import io.asisim.sim.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code --site-mapper SITE=NAME}: the mapper of one kernel access site (docs/contracts.md lists
 * the sites). In {@code run} each site takes one name; in {@code compare} a comma list, crossed with
 * the other axes. A site given twice is an error, as is an unknown site or mapper.
 */
final class SiteMappers {
  private SiteMappers() {}

  /** Every combination of the given site choices (one empty map when none is given), site-sorted. */
  static List<Map<String, String>> combinations(List<String> args, boolean lists, PluginRegistry registry) {
    Map<String, List<String>> bySite = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq <= 0 || eq == a.length() - 1) {
        throw new BadInputException("--site-mapper '" + a + "': expected SITE=NAME, e.g. pagecache-read=ephmap"
            + " (sites: " + AccessSite.validIds() + ")");
      }
      String site = a.substring(0, eq).trim();
      try {
        AccessSite.fromId(site);
      } catch (IllegalArgumentException e) {
        throw new BadInputException("--site-mapper '" + a + "': " + e.getMessage());
      }
      if (bySite.containsKey(site)) {
        throw new BadInputException("--site-mapper '" + a + "': site " + site + " given twice");
      }
      List<String> names = VariantOptions.split("--site-mapper " + site, a.substring(eq + 1), lists);
      for (String n : names) {
        VariantOptions.requireKnown(registry, PluginKind.MAPPER, "--site-mapper " + site, n);
      }
      bySite.put(site, names);
    }
    List<Map<String, String>> out = new ArrayList<>();
    out.add(new TreeMap<>());
    for (Map.Entry<String, List<String>> e : bySite.entrySet()) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> m : out) {
        for (String name : e.getValue()) {
          Map<String, String> n = new TreeMap<>(m);
          n.put(e.getKey(), name);
          next.add(n);
        }
      }
      out = next;
    }
    return out;
  }
}

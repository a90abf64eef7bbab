package io.asisim.report;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import io.asisim.api.plugin.PluginKind;
import io.asisim.sim.compare.ComparisonResult;
import io.asisim.sim.compare.VariantRuns;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Emphasis;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no scripts, nothing fetched)
 * with a summary, the configuration, and per comparison its reading guide, tables and charts. The
 * tables are the Markdown report's, converted by CommonMark, so a column or table added to the text
 * reports appears here without touching the template ({@code report.html.mustache}).
 */
public final class HtmlReport {
  private static final List<org.commonmark.Extension> EXTENSIONS = List.of(TablesExtension.create());
  private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
  /** Escapes any HTML in the Markdown: variant labels and --set values are user text. */
  private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(EXTENSIONS).escapeHtml(true)
      .sanitizeUrls(true).build();
  private static final Mustache TEMPLATE = new DefaultMustacheFactory("io/asisim/report")
      .compile("report.html.mustache");

  private HtmlReport() {}

  /**
   * One comparison of the report.
   *
   * @param id the slug its chart files start with, and its anchor in the page
   * @param result its runs
   * @param guide how to read it ("" if none)
   * @param markdown its Markdown report, as {@code --format markdown} prints it
   * @param charts its charts
   */
  public record Section(String id, ComparisonResult result, String guide, String markdown,
      List<RenderedChart> charts) {}

  /** What the page says about the tool and the data files next to it. */
  public record Build(String toolVersion, String gitCommit, List<String> dataFiles) {}

  /** The page. */
  public static String render(Build build, List<Section> sections) {
    StringWriter w = new StringWriter();
    TEMPLATE.execute(w, new Page(build, sections));
    return w.toString();
  }

  /** The view the template reads (mustache.java finds these methods by name). */
  static final class Page {
    private final Build build;
    private final List<Section> sections;

    Page(Build build, List<Section> sections) {
      this.build = build;
      this.sections = sections;
    }

    String toolVersion() {
      return build.toolVersion();
    }

    String gitCommit() {
      return build.gitCommit() == null ? "unknown" : build.gitCommit();
    }

    List<String> dataFiles() {
      return build.dataFiles();
    }

    List<Item> config() {
      Set<String> profiles = new TreeSet<>();
      Set<String> machines = new TreeSet<>();
      Set<String> workloads = new TreeSet<>();
      Set<String> samples = new java.util.LinkedHashSet<>();
      long runs = 0;
      for (Section s : sections) {
        samples.add(new SectionView(s).samples());
        for (VariantRuns v : s.result().variants()) {
          workloads.add(v.config().selected(PluginKind.WORKLOAD));
          runs += v.samples().size();
          profiles.add(v.config().selected(PluginKind.CPU_PROFILE));
          machines.add(String.format(Locale.ROOT, "%s, %d CPUs", io.asisim.api.plugin.ParamSpec.formatSize(v.config().machine().memoryBytes()),
              v.config().machine().cpus()));
        }
      }
      List<Item> out = new ArrayList<>();
      out.add(new Item("tool version", build.toolVersion()));
      out.add(new Item("git commit", gitCommit()));
      out.add(new Item("CPU profiles", String.join(", ", profiles)));
      out.add(new Item("simulated machines", String.join("; ", machines)));
      out.add(new Item("workloads", String.join(", ", workloads)));
      out.add(new Item("samples per variant", String.join("; ", samples)));
      out.add(new Item("runs", runs + " in " + sections.size() + (sections.size() == 1 ? " comparison" : " comparisons")));
      return out;
    }

    List<SectionView> sections() {
      List<SectionView> out = new ArrayList<>();
      for (Section s : sections) {
        out.add(new SectionView(s));
      }
      return out;
    }
  }

  /** A name and a value of the configuration banner. */
  record Item(String name, String value) {}

  /** One comparison as the template shows it. */
  static final class SectionView {
    private final Section s;

    SectionView(Section s) {
      this.s = s;
    }

    String id() {
      return s.id();
    }

    String title() {
      return s.result().title();
    }

    String guide() {
      return s.guide();
    }

    int variants() {
      return s.result().variants().size();
    }

    /** Samples per variant, and the seeds they ran with. */
    String samples() {
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      int n = 0;
      for (VariantRuns v : s.result().variants()) {
        n = Math.max(n, v.samples().size());
        for (var run : v.samples()) {
          min = Math.min(min, run.config().seed());
          max = Math.max(max, run.config().seed());
        }
      }
      return n + (n == 1 ? " sample, seed " + min : " samples, seeds " + min + ".." + max);
    }

    /** The ASI-on variant with the lowest and highest cycles_per_op over its baseline. */
    String cheapest() {
      return extreme(true);
    }

    String dearest() {
      return extreme(false);
    }

    private String extreme(boolean lowest) {
      ComparisonResult.Row pick = null;
      for (ComparisonResult.Row row : s.result().rows(FixWaterfall.METRIC)) {
        if (!Double.isNaN(row.delta()) && (pick == null || (lowest ? row.delta() < pick.delta() : row.delta() > pick.delta()))) {
          pick = row;
        }
      }
      return pick == null ? "n/a" : pick.variant() + " (" + Numbers.percent(pick.delta()) + ")";
    }

    /** The Markdown tables as HTML, without the title and reading guide the template places itself. */
    String tablesHtml() {
      Node doc = PARSER.parse(s.markdown());
      List<Node> drop = new ArrayList<>();
      for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
        if ((n instanceof Heading && ((Heading) n).getLevel() <= 2) || isGuide(n)) {
          drop.add(n);
        }
      }
      drop.forEach(Node::unlink);
      return RENDERER.render(doc);
    }

    /** The reading guide as HTML: its `code` spans set as code. */
    String guideHtml() {
      return s.guide().isEmpty() ? "" : RENDERER.render(PARSER.parse("**Reading guide:** " + s.guide()));
    }

    List<RenderedChart> charts() {
      return s.charts();
    }
  }

  /** The "_Reading guide:_ ..." paragraph of the Markdown report. */
  private static boolean isGuide(Node n) {
    return n instanceof Paragraph && n.getFirstChild() instanceof Emphasis
        && n.getFirstChild().getFirstChild() instanceof Text
        && ((Text) n.getFirstChild().getFirstChild()).getLiteral().startsWith("Reading guide");
  }
}

package io.asisim.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The CLI's logging set-up in code, found by logback's {@code ServiceLoader} before it looks for
 * {@code logback.xml}: the same configuration as that file (which stays, as the readable form and
 * for embedders), without parsing XML at every launch — the XML parser and logback's Joran
 * interpreter were about a tenth of {@code asi-sim run}'s start-up (docs/performance.md,
 * "Start-up and the fio loop"). Logs go to stderr, so stdout carries only the report; Spark's and
 * Hadoop's start-up warnings (loopback host name, no native Hadoop library) are silenced. A user's
 * {@code -Dlogback.configurationFile} or a {@code logback-test.xml} on the class path wins: then
 * this configurator steps aside and logback reads the file as before.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  /** The pattern of logback.xml. */
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext lc) {
    if (System.getProperty("logback.configurationFile") != null
        || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(lc);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(lc);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    lc.getLogger("org.apache.spark").setLevel(Level.ERROR);
    lc.getLogger("org.apache.hadoop").setLevel(Level.ERROR);
    ch.qos.logback.classic.Logger root = lc.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}

package at.telco.hub.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * Every event logged in this JVM (the in-process hub, its routes and libraries) while installed:
 * logger, message with its arguments, MDC and exception with its stack, as an appender on the root
 * logger. The hub's own loggers are set to DEBUG meanwhile (stricter than production's INFO).
 */
public final class CapturedLogs extends AppenderBase<ILoggingEvent> {

  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
  private Level hubLevel;

  public static CapturedLogs install() {
    CapturedLogs logs = new CapturedLogs();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    logs.setContext(context);
    logs.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(logs);
    Logger hub = context.getLogger("at.telco.hub");
    logs.hubLevel = hub.getLevel();
    hub.setLevel(Level.DEBUG);
    return logs;
  }

  public void uninstall() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(this);
    context.getLogger("at.telco.hub").setLevel(hubLevel);
    stop();
  }

  @Override
  protected void append(ILoggingEvent e) {
    StringBuilder s =
        new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
    e.getMDCPropertyMap().forEach((k, v) -> s.append(' ').append(k).append('=').append(v));
    if (e.getThrowableProxy() != null) {
      s.append(' ').append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
    }
    lines.add(s.toString());
  }

  public String text() {
    return String.join("\n", lines);
  }

  public int size() {
    return lines.size();
  }
}

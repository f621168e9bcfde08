package dev.rediskit.test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The lines one Logback logger writes while the capture is open, from any thread: for tests that
 * assert what is logged and how often. Close it to detach.
 */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      events.add(event);
    }
  };

  private LogCapture(String name) {
    this.logger = (Logger) LoggerFactory.getLogger(name);
    appender.start();
    logger.addAppender(appender);
  }

  /**
   * @param name the logger's name
   * @return a capture of that logger, attached
   */
  public static LogCapture of(String name) {
    return new LogCapture(name);
  }

  /**
   * @param level a level
   * @param containing a text the line must contain
   * @return the formatted messages of that level containing the text, in the order logged
   */
  public List<String> messages(Level level, String containing) {
    return events.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
      .filter(m -> m.contains(containing)).toList();
  }

  /**
   * @return every captured line, of any level, as its formatted message followed by the class and
   * message of its throwable and their causes: what a log file would show of it
   */
  public List<String> all() {
    return events.stream().map(e -> {
      StringBuilder line = new StringBuilder(e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage());
      for (ch.qos.logback.classic.spi.IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
      }
      return line.toString();
    }).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}

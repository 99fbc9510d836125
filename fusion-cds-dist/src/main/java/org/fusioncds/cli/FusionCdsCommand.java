package org.fusioncds.cli;

import java.io.PrintWriter;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The top-level command. Every failure ends with exit code 2 and one line on stderr that starts
 * with its {@code FCDS-} code; nothing is printed on stdout then.
 */
@Command(
    name = "fusion-cds",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT, // every command answers --help and --version
    version = "fusion-cds 0.1.0",
    description = "Multimodal fusion clinical decision support over FHIR and DICOMweb.",
    subcommands = {
      DicomCommand.class,
      CohortCommand.class,
      CohortExportCommand.class,
      EvaluateCommand.class,
      OodFitCommand.class,
      DemoCommand.class,
      ServeCommand.class,
      AuditCommand.class,
      BenchCommand.class,
      WorkerCommand.class,
      ReplayDeadLettersCommand.class,
      BackfillCommand.class,
      SubscribeCommand.class
    })
public final class FusionCdsCommand implements Runnable {

  /** Exit code for input the command could not process. */
  public static final int EXIT_FAILURE = 2;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this),
        ErrorCode.CLI_INVALID_COMMAND.codeText() + ": a command is required — none given");
  }

  public static int run(String... args) {
    return run(null, null, args);
  }

  /**
   * Runs with the given writers for standard output and error (null keeps the console's); for tests
   * that read what a command printed.
   */
  public static int run(PrintWriter stdout, PrintWriter stderr, String... args) {
    CommandLine cli = new CommandLine(new FusionCdsCommand());
    if (stdout != null) {
      cli.setOut(stdout);
    }
    if (stderr != null) {
      cli.setErr(stderr);
    }
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println(oneLine(ex));
          return EXIT_FAILURE;
        });
    cli.setParameterExceptionHandler(
        (ex, args1) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          String msg = ex.getMessage();
          err.println(
              msg.startsWith("FCDS-")
                  ? msg
                  : ErrorCode.CLI_INVALID_COMMAND.codeText() + ": invalid command line — " + msg);
          return EXIT_FAILURE;
        });
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError e) {
      cli.getErr()
          .println(
              ErrorCode.CLI_OUT_OF_MEMORY.codeText()
                  + ": out of memory — the input is too large for this heap");
      cli.getErr().flush();
      return EXIT_FAILURE;
    }
  }

  private static String oneLine(Throwable ex) {
    if (ex instanceof FcdsException f) {
      return f.getMessage().replace('\n', ' ');
    }
    if (ex instanceof OutOfMemoryError) {
      return ErrorCode.CLI_OUT_OF_MEMORY.codeText()
          + ": out of memory — the input is too large for this heap";
    }
    if (ex instanceof StackOverflowError) {
      return ErrorCode.CLI_STACK_OVERFLOW.codeText() + ": input nested too deeply — stack overflow";
    }
    return ErrorCode.CLI_UNEXPECTED.codeText()
        + ": unexpected error — "
        + ex.getClass().getName()
        + ": "
        + ex.getMessage();
  }
}

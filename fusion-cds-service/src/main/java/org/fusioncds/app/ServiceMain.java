package org.fusioncds.app;

import org.fusioncds.error.ErrorCode;

/**
 * The entry point of {@code fusion-cds-service.jar}: runs the CDS Hooks service until the JVM is
 * stopped (the CLI's {@code serve}, and nothing else). Settings come from application.properties
 * and the environment, and {@code -Dkey=value} system properties in our namespaces win over both.
 */
public final class ServiceMain {

  private ServiceMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && !(args.length == 1 && "serve".equals(args[0]))) {
      System.err.println(
          ErrorCode.CLI_INVALID_COMMAND.codeText()
              + ": fusion-cds-service.jar only serves (no arguments, or 'serve') — "
              + String.join(" ", args));
      System.exit(2);
    }
    FusionCdsApp.run(FusionCdsApp.systemPropertyOverrides());
  }
}

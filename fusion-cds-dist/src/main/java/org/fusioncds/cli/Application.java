package org.fusioncds.cli;

/** The one entry point: {@code java -jar target/fusion-cds.jar <command> ...}. */
public final class Application {

  private Application() {}

  public static void main(String[] args) {
    System.exit(FusionCdsCommand.run(args));
  }
}

package org.fusioncds.cli;

import java.util.concurrent.Callable;
import org.fusioncds.app.FusionCdsApp;
import picocli.CommandLine.Command;

/**
 * {@code serve}: the CDS Hooks service against real servers, settings from application.properties
 * and the environment (README, "Configuration for real servers"); runs until stopped.
 */
@Command(name = "serve", description = "Run the CDS Hooks service until stopped.")
public final class ServeCommand implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    FusionCdsApp.run(FusionCdsApp.systemPropertyOverrides());
    return 0;
  }
}

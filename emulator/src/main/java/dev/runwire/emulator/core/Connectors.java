package dev.runwire.emulator.core;

import java.util.Optional;

/**
 * Serverless VPC Access connectors, as Cloud Run needs them: does the connector a revision names
 * exist and is it ready. The VPC Access surface implements it; by default no connector exists.
 * Called with the state lock held.
 */
public interface Connectors {

  Connectors NONE = name -> Optional.empty();

  /** The connector {@code projects/P/locations/L/connectors/C}, if it exists. */
  Optional<Connector> find(String name);

  /** A connector: its full name, the network it is in (short name) and whether it is READY. */
  record Connector(String name, String network, boolean ready) {}
}

package at.telco.hub.mapping;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A source record of a batch that could not become a canonical event, with the reason: set aside by
 * the batch's transformer ({@link HubTransformers#UNMAPPED}) for its dead letter, while the others
 * are published.
 */
public record Unmapped(JsonNode record, RuntimeException failure) {}

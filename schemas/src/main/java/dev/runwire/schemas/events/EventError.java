package dev.runwire.schemas.events;

/**
 * Why something failed: a named reason constant ({@code CannotCreateRedisInstance}, {@code
 * NOT_FOUND}...) and a message that says what to fix. Never carries a secret.
 */
public record EventError(String code, String message) {}

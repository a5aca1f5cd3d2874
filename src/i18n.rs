//! Fluent translations (skeleton; being implemented).

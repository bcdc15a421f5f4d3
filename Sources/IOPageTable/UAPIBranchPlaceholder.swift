// Placeholder so the package builds on the uapi branch before the engine lands; delete when merging the engine.

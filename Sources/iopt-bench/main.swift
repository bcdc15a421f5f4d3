// Placeholder so the package builds on the uapi branch before the engine lands; the engine branch's main.swift replaces it.

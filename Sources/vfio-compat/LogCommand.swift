import ArgumentParser
struct LogCommand: ParsableCommand {}

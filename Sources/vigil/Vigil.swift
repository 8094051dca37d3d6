import ArgumentParser

@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Identify, track and remove child sexual abuse material: perceptual and cryptographic hashing of media.",
        discussion: """
            Vigil computes the fingerprints that hash lists are exchanged in (PDQ, MD5, SHA-1, SHA-256), \
            bit-exact with Meta's reference PDQ. Bad inputs get a clear error per file; other files are still processed.
            """,
        version: VigilVersion.string,
        subcommands: [HashCommand.self, MatchCommand.self, BanksCommand.self, ServeCommand.self, KeysCommand.self, WatermarkCommand.self, InspectCommand.self]
    )
}

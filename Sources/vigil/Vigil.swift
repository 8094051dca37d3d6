import ArgumentParser

@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract:
            "Identify, track and remove child sexual abuse material: hashing, hash-bank matching and synthetic-media evidence.",
        discussion: """
            Vigil computes the fingerprints that hash lists are exchanged in (PDQ bit-exact with Meta's reference, \
            MD5, SHA-1, SHA-256; vPDQ for videos), matches them exactly against hash banks, reads the evidence of \
            AI generation (C2PA content credentials validated natively, IPTC/XMP source types, generator metadata, \
            the open invisible watermarks of generative models), and serves all of it over an authenticated JSON API \
            with policy verdicts, signed webhooks, encrypted evidence and a hash-chained audit log. `vigil scan` triages whole drives \
            (ZIPs included) into a resumable case database, and `vigil report` writes it as HTML, JSON, CSV or VICS. \
            The service has a review console for analysts under /console/ (`vigil users create`), files CyberTipline \
            reports through NCMEC's web service, sends takedown notices to hosts and re-checks them until the content \
            is gone, takes URL reports from the public, and publishes transparency numbers (`vigil stats`). Bad inputs \
            get a clear error per file; other files are still processed.
            """,
        version: VigilVersion.string,
        subcommands: [
            HashCommand.self, MatchCommand.self, BanksCommand.self, ServeCommand.self, KeysCommand.self, WatermarkCommand.self,
            InspectCommand.self, AuditCommand.self, ScanCommand.self, ReportCommand.self, UsersCommand.self,
            StatsCommand.self,
            ReportsCommand.self,
        ]
    )
}

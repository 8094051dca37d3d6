import ArgumentParser
import Foundation
import VigilStore

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage review console users (passwords are hashed with scrypt).",
        subcommands: [Create.self, List.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Create a console user; the password is read from the first line of standard input (at least 12 characters).")
        @OptionGroup var store: DataOptions
        @Option(help: "The user's name.") var name: String
        @Option(help: "analyst, lead or admin.") var role: String

        func run() throws {
            guard let parsed = ConsoleRole(rawValue: role) else {
                throw ValidationError("unknown role \"\(role)\"; known: analyst, lead, admin")
            }
            guard let password = readLine(strippingNewline: true), password.count >= 12 else {
                throw ValidationError("give a password of at least 12 characters on standard input")
            }
            let user = try store.openStore(create: true).createUser(
                name: name, role: parsed, passwordHash: try PasswordHasher.standard.hash(password),
                by: DataOptions.actor)
            print("created \(user.role.rawValue) \(user.name)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List console users and their roles.")
        @OptionGroup var store: DataOptions

        func run() throws {
            for user in try store.openStore(create: false).consoleUsers() {
                print("\(user.name)\t\(user.role.rawValue)\(user.disabled ? "\tdisabled" : "")")
            }
        }
    }
}

import ArgumentParser
import Foundation
import VigilStore

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage review console users (passwords are hashed with scrypt); every change is audited.",
        subcommands: [Create.self, List.self, Disable.self, Enable.self, Unlock.self, ResetPassword.self])

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
            let user = try store.openStore(create: true).createUser(
                name: name, role: parsed, passwordHash: try newPasswordHash(), by: DataOptions.actor)
            print("created \(user.role.rawValue) \(user.name)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List console users and their roles.")
        @OptionGroup var store: DataOptions

        func run() throws {
            let now = Date().timeIntervalSince1970
            for state in try store.openStore(create: false).consoleUserStates() {
                let user = state.user
                let locked = state.lockedUntil > now ? "\tlocked" : ""
                print("\(user.name)\t\(user.role.rawValue)\(user.disabled ? "\tdisabled" : "")\(locked)")
            }
        }
    }

    /// Disable, enable and unlock: one user named, one audited change.
    struct UserName: ParsableArguments {
        @OptionGroup var store: DataOptions
        @Option(help: "The user's name.") var name: String

        /// Runs one change to the named user as the command line's operator, then says `done`.
        func change(_ done: String, _ body: (SQLiteBankStore, String, UserAdministrator) throws -> Void) throws {
            try body(try store.openStore(create: false), name, .commandLine(actor: DataOptions.actor))
            print("\(done) \(name)")
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a console user and end their sessions.")
        @OptionGroup var user: UserName

        func run() throws { try user.change("disabled") { try $0.setUserDisabled(name: $1, disabled: true, by: $2) } }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-enable a disabled console user.")
        @OptionGroup var user: UserName

        func run() throws { try user.change("enabled") { try $0.setUserDisabled(name: $1, disabled: false, by: $2) } }
    }

    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear a console user's lockout after failed logins.")
        @OptionGroup var user: UserName

        func run() throws { try user.change("unlocked") { try $0.unlockUser(name: $1, by: $2) } }
    }

    struct ResetPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract:
                "Set a console user's password from the first line of standard input (at least 12 characters); clears the lockout and ends their sessions."
        )
        @OptionGroup var user: UserName

        func run() throws {
            let hash = try newPasswordHash()
            try user.change("reset the password of") { try $0.resetPassword(name: $1, passwordHash: hash, by: $2) }
        }
    }
}

/// The scrypt hash of a new password read from the first line of standard input.
private func newPasswordHash() throws -> String {
    guard let password = readLine(strippingNewline: true), password.count >= 12 else {
        throw ValidationError("give a password of at least 12 characters on standard input")
    }
    return try PasswordHasher.standard.hash(password)
}

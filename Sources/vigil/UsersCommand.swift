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
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a console user and end their sessions.")
        @OptionGroup var user: UserName

        func run() throws {
            try user.store.openStore(create: false).setUserDisabled(
                name: user.name, disabled: true, by: .commandLine(actor: DataOptions.actor))
            print("disabled \(user.name)")
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-enable a disabled console user.")
        @OptionGroup var user: UserName

        func run() throws {
            try user.store.openStore(create: false).setUserDisabled(
                name: user.name, disabled: false, by: .commandLine(actor: DataOptions.actor))
            print("enabled \(user.name)")
        }
    }

    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear a console user's lockout after failed logins.")
        @OptionGroup var user: UserName

        func run() throws {
            try user.store.openStore(create: false).unlockUser(name: user.name, by: .commandLine(actor: DataOptions.actor))
            print("unlocked \(user.name)")
        }
    }

    struct ResetPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract:
                "Set a console user's password from the first line of standard input (at least 12 characters); clears the lockout and ends their sessions."
        )
        @OptionGroup var user: UserName

        func run() throws {
            try user.store.openStore(create: false).resetPassword(
                name: user.name, passwordHash: try newPasswordHash(), by: .commandLine(actor: DataOptions.actor))
            print("reset the password of \(user.name)")
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

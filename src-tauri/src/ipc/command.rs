//! The commands as the window calls them. Each module of commands declares its table with
//! `commands!` next to its `#[tauri::command]` functions: a name, the arguments the window
//! sends with their types, and what the command answers. The TypeScript wrappers in
//! `ui/src/ipc/commands.ts` are generated from these tables ([`typescript`]), and a test keeps
//! the tables and `tauri::generate_handler!` naming the same commands.

use ts_rs::Config;

/// How a table names a type in TypeScript: its `ts_rs::TS::name`.
pub type TsName = fn(&Config) -> String;

/// One command of a table.
#[derive(Clone, Copy)]
pub struct Command {
    /// The Rust module it lives in, for the generated doc comment.
    pub module: &'static str,
    /// Its name, as `invoke` takes it.
    pub name: &'static str,
    /// The arguments the window sends, in order (the state Tauri injects is not among them).
    pub args: &'static [(&'static str, TsName)],
    /// What it resolves with (for a `Result`, the `Ok` side; errors are always an `IpcError`).
    pub returns: TsName,
}

/// Declares a module's table of commands, `name(arg: Type, ...) -> Answer;` each, as the
/// constant `COMMANDS` (for the tests that generate and check the wrappers). Naming a function
/// the module does not have fails to compile.
macro_rules! commands {
    ($($name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty;)*) => {
        /// This module's commands as the window calls them; the TypeScript wrappers are
        /// generated from this table by a test.
        #[cfg(test)]
        pub(crate) const COMMANDS: &[$crate::ipc::command::Command] = &[$(
            $crate::ipc::command::Command {
                module: module_path!(),
                name: {
                    let _ = $name;
                    stringify!($name)
                },
                args: &[$((
                    stringify!($arg),
                    <$ty as ts_rs::TS>::name as $crate::ipc::command::TsName,
                )),*],
                returns: <$ret as ts_rs::TS>::name,
            },
        )*];
    };
}
pub(crate) use commands;

/// `snake_case` as `camelCase`: the wrappers' names, and the argument keys Tauri expects.
fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The type names a TypeScript type refers to (`Array<EventView>`: `EventView`), which come
/// from the generated bindings.
fn referenced(ts: &str) -> impl Iterator<Item = &str> {
    ts.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| w.starts_with(|c: char| c.is_ascii_uppercase()))
        .filter(|w| !matches!(*w, "Array" | "Record" | "Partial"))
}

/// One wrapper: `signIn: (request: SignInRequest): Promise<AccountView> => call(...)`.
fn wrapper(command: &Command, cfg: &Config) -> String {
    let params: Vec<String> = command
        .args
        .iter()
        .map(|(name, ts)| format!("{}: {}", camel(name), ts(cfg)))
        .collect();
    let keys: Vec<String> = command.args.iter().map(|(name, _)| camel(name)).collect();
    let returns = match (command.returns)(cfg) {
        unit if unit == "null" => "void".to_string(),
        other => other,
    };
    let args = if keys.is_empty() {
        String::new()
    } else {
        format!(", {{ {} }}", keys.join(", "))
    };
    let module = command.module.split_once("::").map_or("", |(_, m)| m);
    format!(
        "    /** `{module}::{name}` in src-tauri. */\n    {camel}: ({params}): Promise<{returns}> =>\n      call(\"{name}\"{args}),\n",
        name = command.name,
        camel = camel(command.name),
        params = params.join(", "),
    )
}

/// `ui/src/ipc/commands.ts`: a typed wrapper for every command of `table`. The wrappers take
/// the transport as an argument, so `index.ts` stays the only module that imports Tauri.
pub fn typescript(table: &[Command], cfg: &Config) -> String {
    let mut types: Vec<String> = table
        .iter()
        .flat_map(|c| {
            c.args
                .iter()
                .map(|(_, ts)| ts(cfg))
                .chain(std::iter::once((c.returns)(cfg)))
        })
        .flat_map(|ts| referenced(&ts).map(str::to_string).collect::<Vec<_>>())
        .collect();
    types.sort();
    types.dedup();
    let mut out = String::from(
        "// Generated from the command tables in src-tauri/src by the `bindings_are_current` test.\n\
         // Do not edit: run `UPDATE_BINDINGS=1 cargo test -p almanac-desktop bindings`.\n\n",
    );
    out.push_str(&format!(
        "import type {{ {} }} from \"./bindings\";\n\n",
        types.join(", ")
    ));
    out.push_str(
        "/** Sends one command and resolves with its answer; `index.ts` passes Tauri's `invoke`, with errors shaped. */\n\
         export type Call = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;\n\n\
         /** Every command of the shell, each a typed function over `call`. */\n\
         export function commands(call: Call) {\n  return {\n",
    );
    for command in table {
        out.push_str(&wrapper(command, cfg));
    }
    out.push_str(
        "  };\n}\n\n\
         /** What feature folders take by injection: all commands, or a `Pick` of them. */\n\
         export type Commands = ReturnType<typeof commands>;\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ts_rs::TS;

    #[test]
    fn wrappers_send_the_keys_tauri_expects_and_return_void_for_nothing() {
        let cfg = Config::new().with_large_int("number");
        let command = Command {
            module: "almanac_desktop::editing",
            name: "move_event",
            args: &[
                ("start", <String as TS>::name),
                ("all_day", <bool as TS>::name),
            ],
            returns: <() as TS>::name,
        };
        assert_eq!(
            wrapper(&command, &cfg),
            "    /** `editing::move_event` in src-tauri. */\n    moveEvent: (start: string, allDay: boolean): Promise<void> =>\n      call(\"move_event\", { start, allDay }),\n"
        );
        let names: Vec<&str> = referenced("Array<EventView> | null").collect();
        assert_eq!(names, ["EventView"]);
    }
}

fn main() -> std::process::ExitCode {
    shipshape::run().into()
}

import ArgumentParser
import HummingbirdCore
import NIOCore

let probeTimeout = TimeAmount.seconds(3)
